/**
 * File transfer end to end between the viewer's core and the helper's service (loopback.ts: the
 * real NodeFileAccess on a temporary home, an in-order asynchronous link without crypto): files
 * land in the chosen folder with the sender's SHA-256 and no temporary file left; fetches come
 * back byte for byte; the window bounds what is in flight; a free-space shortfall is refused
 * before any byte is written; a damaged byte is caught by the checksum and the partial file
 * deleted; cancel from either side removes it; a cut link resumes from the acknowledged offset.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FILE_CHUNK_BYTES, FILE_CHUNK_HEADER_BYTES, FILE_CHUNK_KIND } from '../../../../protocol/data/files';
import type { FileAccess } from '../../../../host/platform/types';
import { Loopback } from './loopback';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;
let lb: Loopback | null = null;

function loop(options: ConstructorParameters<typeof Loopback>[0] = {}): Loopback {
  lb = new Loopback(options);
  return lb;
}

afterEach(async () => {
  await lb?.close();
  lb = null;
});

/** Entries of a folder other than the ones the test put there. */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('lifeline-part'));
}

describe('sending a file to the customer', () => {
  it('lands in the chosen folder with the same SHA-256; nothing temporary is left', async () => {
    const l = loop();
    const data = randomBytes(5 * MiB + 123);
    const id = l.viewer.send(new Blob([data]), 'report.pdf', { place: 'Documents', dirs: [] });
    await l.until(() => l.transfer(id)?.phase === 'done', 'done');
    const saved = l.path('Documents', 'report.pdf');
    expect(sha(readFileSync(saved))).toBe(sha(data));
    expect(leftovers(l.path('Documents'))).toEqual([]);
    expect(l.transfer(id)).toMatchObject({ savedAs: 'report.pdf', error: null, size: data.length });
    // The customer's side saw it start and end, with the folder named.
    expect(l.events.find((e) => e.id === id && e.state === 'active')).toMatchObject({
      direction: 'to_customer',
      folder: 'Documents',
      agentName: 'Alex Agent',
    });
    expect(l.events.at(-1)).toMatchObject({ id, state: 'done', savedAs: 'report.pdf' });
    // Told once: the helper's terminal prints one "Saved" line per event.
    expect(l.events.filter((e) => e.id === id && e.state === 'done')).toHaveLength(1);
  });

  it('never overwrites: a second copy becomes "name (1).ext"; an empty file works too', async () => {
    const l = loop();
    writeFileSync(l.path('Desktop', 'notes.txt'), 'mine');
    const a = l.viewer.send(new Blob(['theirs']), 'notes.txt', { place: 'Desktop', dirs: [] });
    const b = l.viewer.send(new Blob([]), 'empty.bin', { place: 'Desktop', dirs: [] });
    await l.until(() => l.transfer(b)?.phase === 'done', 'both done');
    expect(l.transfer(a)).toMatchObject({ phase: 'done', savedAs: 'notes (1).txt' });
    expect(readFileSync(l.path('Desktop', 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(l.path('Desktop', 'notes (1).txt'), 'utf8')).toBe('theirs');
    expect(readFileSync(l.path('Desktop', 'empty.bin')).length).toBe(0);
  });

  it('sanitises hostile names and never writes outside the folder', async () => {
    const l = loop();
    const names = ['../../escape.txt', 'CON', 'evil\u202etxt.exe', 'a/b\\c:d*e?.txt', '..', ' . '];
    const ids = names.map((n) => l.viewer.send(new Blob([n]), n, { place: 'Downloads', dirs: [] }));
    await l.until(() => ids.every((id) => l.transfer(id)?.phase === 'done'), 'all saved');
    const saved = readdirSync(l.path('Downloads')).sort();
    expect(saved).toHaveLength(names.length);
    for (const s of saved) expect(s).not.toMatch(/[/\\\u202e]|^\.\.?$|^CON$/u);
    expect(readdirSync(l.home).sort()).toEqual(['Desktop', 'Documents', 'Downloads']);
    expect(existsSync(l.path('..', 'escape.txt'))).toBe(false);
  });

  it('keeps at most a window in flight, in chunks, never one chunk per round trip', async () => {
    const window = 1 * MiB;
    const l = loop({ viewerWindowBytes: window });
    let maxInFlight = 0;
    let chunks = 0;
    l.toHelper = (p) => {
      if (p[0] === FILE_CHUNK_KIND) {
        chunks++;
        maxInFlight = Math.max(maxInFlight, l.viewer.window.inFlightBytes);
      }
      return p;
    };
    const data = randomBytes(6 * MiB);
    const id = l.viewer.send(new Blob([data]), 'big.bin', { place: 'Home', dirs: [] });
    await l.until(() => l.transfer(id)?.phase === 'done', 'done');
    expect(chunks).toBe(Math.ceil(data.length / FILE_CHUNK_BYTES));
    expect(maxInFlight).toBeLessThanOrEqual(window);
    // Several chunks were out at once (the window was used, not stop-and-wait).
    expect(maxInFlight).toBeGreaterThanOrEqual(3 * FILE_CHUNK_BYTES);
  });

  it('refuses up front when the folder lacks room, naming both sizes, and writes nothing', async () => {
    const free = 2 * MiB;
    const l = loop({ wrap: (f) => ({ ...bind(f), freeBytes: () => Promise.resolve(free) }) });
    const id = l.viewer.send(new Blob([randomBytes(5 * MiB)]), 'too-big.iso', {
      place: 'Documents',
      dirs: [],
    });
    await l.until(() => l.transfer(id)?.phase === 'failed', 'refusal');
    expect(l.transfer(id)!.error).toMatchObject({ code: 'no_space', neededBytes: 5 * MiB, freeBytes: free });
    expect(l.transfer(id)!.error!.message).toMatch(/needs 5\.2 MB, 2\.1 MB are free/);
    expect(readdirSync(l.path('Documents'))).toEqual([]);
  });

  it('deletes the file when its checksum does not match (one byte changed on the way)', async () => {
    const l = loop();
    let changed = false;
    l.toHelper = (p) => {
      if (p[0] === FILE_CHUNK_KIND && !changed) {
        changed = true;
        p[FILE_CHUNK_HEADER_BYTES + 7]! ^= 0x40;
      }
      return p;
    };
    const id = l.viewer.send(new Blob([randomBytes(MiB)]), 'damaged.bin', { place: 'Documents', dirs: [] });
    await l.until(() => l.transfer(id)?.phase === 'failed', 'failure');
    expect(l.transfer(id)!.error!.code).toBe('checksum_mismatch');
    await l.until(() => readdirSync(l.path('Documents')).length === 0, 'temp deleted');
  });

  it('reports a disk that fills up mid-way as no_space and removes the partial file', async () => {
    let writes = 0;
    const l = loop({
      wrap: (f) => ({
        ...bind(f),
        freeBytes: () => Promise.resolve(writes < 3 ? 100 * MiB : 1000),
        openWrite: async (dir, name, offset, key) => {
          const w = await f.openWrite(dir, name, offset, key);
          return {
            ...w,
            tempPath: w.tempPath,
            write: async (chunk: Uint8Array) => {
              if (++writes >= 3) throw new Error('ENOSPC: no space left on device');
              await w.write(chunk);
            },
            commit: () => w.commit(),
            abort: () => w.abort(),
            suspend: () => w.suspend!(),
          };
        },
      }),
    });
    const id = l.viewer.send(new Blob([randomBytes(2 * MiB)]), 'fills.bin', { place: 'Documents', dirs: [] });
    await l.until(() => l.transfer(id)?.phase === 'failed', 'failure');
    expect(l.transfer(id)!.error).toMatchObject({ code: 'no_space', freeBytes: 1000 });
    await l.until(() => readdirSync(l.path('Documents')).length === 0, 'partial removed');
  });

  it('refuses without the files grant, and a place that does not exist', async () => {
    const l = loop();
    const missing = l.viewer.send(new Blob(['x']), 'x.txt', { place: 'Nowhere', dirs: [] });
    await l.until(() => l.transfer(missing)?.phase === 'failed', 'refusal');
    expect(l.transfer(missing)!.error!.code).toBe('not_found');
    l.granted = false;
    const id = l.viewer.send(new Blob(['x']), 'x.txt', { place: 'Home', dirs: [] });
    await l.until(() => l.transfer(id)?.phase === 'failed', 'refusal');
    expect(l.transfer(id)!.error!.code).toBe('consent_required');
    await expect(l.viewer.places()).rejects.toMatchObject({ code: 'consent_required' });
  });
});

describe('cancel', () => {
  it('from the agent mid-way: the partial file is removed', async () => {
    const l = loop({ viewerWindowBytes: MiB });
    const id = l.viewer.send(new Blob([randomBytes(20 * MiB)]), 'long.bin', { place: 'Documents', dirs: [] });
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 2 * MiB, 'some progress');
    expect(leftovers(l.path('Documents'))).toHaveLength(1);
    l.viewer.cancel(id);
    expect(l.transfer(id)!.phase).toBe('cancelled');
    await l.until(() => readdirSync(l.path('Documents')).length === 0, 'partial removed');
    await l.until(() => l.events.at(-1)?.state === 'cancelled', 'customer told');
  });

  it('from the customer mid-way: the agent sees it cancelled, nothing stays', async () => {
    const l = loop({ viewerWindowBytes: MiB });
    const id = l.viewer.send(new Blob([randomBytes(20 * MiB)]), 'long.bin', { place: 'Documents', dirs: [] });
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 2 * MiB, 'some progress');
    expect(await l.service.cancel(id)).toBe(true);
    await l.until(() => l.transfer(id)?.phase === 'cancelled', 'cancelled on the agent side');
    await l.until(() => readdirSync(l.path('Documents')).length === 0, 'partial removed');
  });

  it('a revoked grant ends every transfer at once and deletes partial files', async () => {
    const l = loop({ viewerWindowBytes: MiB });
    const id = l.viewer.send(new Blob([randomBytes(20 * MiB)]), 'long.bin', { place: 'Documents', dirs: [] });
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > MiB, 'some progress');
    l.granted = false;
    await l.service.revoke();
    // What the viewer session does on the helper's consent message without `files`.
    l.viewer.endAll({ code: 'consent_required', message: 'the customer stopped file sharing' });
    l.viewer.setAllowed(false);
    expect(l.transfer(id)).toMatchObject({ phase: 'failed', error: { code: 'consent_required' } });
    await l.until(() => readdirSync(l.path('Documents')).length === 0, 'partial removed');
  });
});

describe('resume after the link drops', () => {
  it('an upload goes on from the acknowledged offset, re-sending less than two windows', async () => {
    const window = 2 * MiB;
    const l = loop({ viewerWindowBytes: window });
    const data = randomBytes(24 * MiB);
    const id = l.viewer.send(new Blob([data]), 'resumed.bin', { place: 'Documents', dirs: [] });
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 8 * MiB, 'a third done');
    l.cut();
    expect(l.transfer(id)!.phase).toBe('interrupted');
    await l.until(() => l.events.some((e) => e.id === id && e.state === 'suspended'), 'suspended');
    await new Promise((r) => setTimeout(r, 50));
    l.connect();
    await l.until(() => l.transfer(id)?.phase === 'done', 'done after the resume');
    expect(sha(readFileSync(l.path('Documents', 'resumed.bin')))).toBe(sha(data));
    expect(leftovers(l.path('Documents'))).toEqual([]);
    const resent = l.viewer.bytesSent - data.length;
    expect(resent).toBeGreaterThanOrEqual(0);
    expect(resent).toBeLessThan(2 * window);
  });

  it('an upload whose answer was lost in the cut hears it again on its re-offer', async () => {
    const l = loop();
    const data = randomBytes(MiB);
    let dropDone = true;
    l.toViewer = (p) => {
      if (dropDone && new TextDecoder().decode(p).includes('"file.done"')) {
        dropDone = false;
        queueMicrotask(() => l.cut());
        return null;
      }
      return p;
    };
    const id = l.viewer.send(new Blob([data]), 'answer.bin', { place: 'Home', dirs: [] });
    await l.until(() => l.transfer(id)?.phase === 'interrupted', 'interrupted');
    l.connect();
    await l.until(() => l.transfer(id)?.phase === 'done', 'done');
    expect(l.transfer(id)!.savedAs).toBe('answer.bin');
  });

  it('a fetch goes on from the bytes already stored and the whole file checks out', async () => {
    const l = loop({ helperWindowBytes: 2 * MiB });
    const data = randomBytes(16 * MiB + 5);
    writeFileSync(l.path('Documents', 'logs.tar'), data);
    const id = l.viewer.fetch({ place: 'Documents', dirs: [] }, 'logs.tar', data.length);
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 5 * MiB, 'some progress');
    const before = l.bytes.toViewer;
    l.cut();
    expect(l.transfer(id)!.phase).toBe('interrupted');
    l.connect();
    await l.until(() => l.transfer(id)?.phase === 'done', 'done');
    const sink = l.sinks[0]!;
    expect(sink.saved).toBe('logs.tar');
    expect(sha(sink.bytes())).toBe(sha(data));
    // Bytes sent twice: what was on its way when the link was cut, under two windows.
    expect(before).toBeGreaterThan(5 * MiB);
    expect(l.bytes.toViewer - data.length).toBeLessThan(2 * 2 * MiB);
  });
});

describe('fetching a file from the customer', () => {
  it('browses places and folders, then copies a file byte for byte', async () => {
    const l = loop();
    const data = randomBytes(3 * MiB + 1);
    writeFileSync(l.path('Documents', 'photo.jpg'), data);
    const places = await l.viewer.places();
    expect(places.map((p) => p.name)).toEqual(['Home', 'Desktop', 'Downloads', 'Documents']);
    expect(places[0]!.freeBytes).toBeGreaterThan(0);
    const home = await l.viewer.list({ place: 'Home', dirs: [] });
    expect(home.entries.map((e) => `${e.kind}:${e.name}`)).toEqual([
      'directory:Desktop',
      'directory:Documents',
      'directory:Downloads',
    ]);
    const docs = await l.viewer.list({ place: 'Home', dirs: ['Documents'] });
    expect(docs.entries).toEqual([
      expect.objectContaining({ name: 'photo.jpg', kind: 'file', size: data.length }),
    ]);
    const id = l.viewer.fetch({ place: 'Home', dirs: ['Documents'] }, 'photo.jpg', data.length);
    await l.until(() => l.transfer(id)?.phase === 'done', 'done');
    expect(sha(l.sinks[0]!.bytes())).toBe(sha(data));
    expect(l.sinks[0]!.saved).toBe('photo.jpg');
    await expect(l.viewer.list({ place: 'Home', dirs: ['nope'] })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('says the file arrived damaged (and keeps nothing) when a byte changed on the way', async () => {
    const l = loop();
    writeFileSync(l.path('Documents', 'a.bin'), randomBytes(MiB));
    let changed = false;
    l.toViewer = (p) => {
      if (p[0] === FILE_CHUNK_KIND && !changed) {
        changed = true;
        p[FILE_CHUNK_HEADER_BYTES]! ^= 1;
      }
      return p;
    };
    const id = l.viewer.fetch({ place: 'Documents', dirs: [] }, 'a.bin', MiB);
    await l.until(() => l.transfer(id)?.phase === 'failed', 'failure');
    expect(l.transfer(id)!.error!.code).toBe('checksum_mismatch');
    expect(l.sinks[0]!.discarded).toBe(true);
    expect(l.sinks[0]!.saved).toBeNull();
  });

  it('fails clearly for a missing file, and the agent can cancel a fetch', async () => {
    const l = loop({ helperWindowBytes: MiB });
    const missing = l.viewer.fetch({ place: 'Documents', dirs: [] }, 'gone.txt', 10);
    await l.until(() => l.transfer(missing)?.phase === 'failed', 'failure');
    expect(l.transfer(missing)!.error!.code).toBe('not_found');
    writeFileSync(l.path('Documents', 'big.bin'), randomBytes(20 * MiB));
    const id = l.viewer.fetch({ place: 'Documents', dirs: [] }, 'big.bin', 20 * MiB);
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > MiB, 'progress');
    l.viewer.cancel(id);
    const at = l.bytes.toViewer;
    await new Promise((r) => setTimeout(r, 100));
    expect(l.transfer(id)!.phase).toBe('cancelled');
    expect(l.sinks[1]!.discarded).toBe(true);
    // The helper stopped: at most the window that was already on its way came after.
    expect(l.bytes.toViewer - at).toBeLessThanOrEqual(MiB + 64 * 1024);
    expect(l.service.transfers()).toEqual([]);
  });
});

/** A FileAccess whose methods are bound (so spreading it into a wrapper keeps `this`). */
function bind(f: FileAccess): FileAccess {
  return {
    places: () => f.places(),
    list: (d) => f.list(d),
    freeBytes: (d) => f.freeBytes(d),
    openRead: (p, o) => f.openRead(p, o),
    openWrite: (d, n, o, k) => f.openWrite(d, n, o, k),
  };
}
