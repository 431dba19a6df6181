/**
 * Uploads that outlive the helper process (issue 9): the journal records each upload and its part
 * file (named after the transfer), a new helper process adopts the session's uploads and resumes
 * them from the bytes on disk with the right SHA-256, the old process ending late never deletes
 * what the new one writes into, and part files go when cancelled, given up, or stale at start.
 * The real NodeFileAccess in a temporary home; the viewer's real FileTransfers over the loopback.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FILE_CHUNK_BYTES, parseFilesToViewer } from '../../../../protocol/data/files';
import { encodeJsonPayload } from '../../../../protocol/data/json-payload';
import { TransferJournal } from '../../../../host/session/file-transfer/transfer-journal';
import { Loopback } from './loopback';

const MiB = 1024 * 1024;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-upload-restart-'));
const loops: Loopback[] = [];
afterAll(async () => {
  for (const l of loops) await l.close();
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
function loop(options: ConstructorParameters<typeof Loopback>[0] = {}): Loopback {
  const l = new Loopback({
    journalDir: path.join(tmp, `journal-${++n}`),
    viewerWindowBytes: 2 * MiB,
    ...options,
  });
  loops.push(l);
  return l;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const parts = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.lifeline-part'));

describe('an upload across a helper restart', () => {
  it('goes on in the next helper process from the bytes on disk, with the right SHA-256, and leaves nothing', async () => {
    const l = loop();
    const data = randomBytes(24 * MiB);
    const id = l.viewer.send(new Blob([data]), 'big.bin', { place: 'Documents', dirs: [] });
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 8 * MiB, 'a third written');
    // The part file carries the transfer's id: it belongs to this transfer only.
    expect(parts(l.path('Documents'))).toEqual([`.big.bin.${id}.lifeline-part`]);
    const sentBefore = l.viewer.bytesSent;
    await l.restartHelper(); // kill -9: nothing of the old process runs any more
    expect(l.transfer(id)!.phase).toBe('interrupted');
    l.connect();
    await l.until(() => l.transfer(id)?.phase === 'done', 'done in the new process');
    expect(sha(readFileSync(l.path('Documents', 'big.bin')))).toBe(sha(data));
    expect(parts(l.path('Documents'))).toEqual([]);
    expect(readdirSync(l.journal!.dir)).toEqual([]);
    // Re-sent: what was in flight plus at most a chunk the new helper cut to a boundary.
    const total = l.viewer.bytesSent;
    expect(total - data.length).toBeLessThan(2 * MiB + FILE_CHUNK_BYTES);
    expect(total - sentBefore).toBeLessThan(data.length - 8 * MiB + 2 * MiB + FILE_CHUNK_BYTES);
  });

  it('is not disturbed by the old process ending late: it deletes nothing the new one owns', async () => {
    const l = loop();
    const data = randomBytes(24 * MiB);
    const id = l.viewer.send(new Blob([data]), 'late.bin', { place: 'Documents', dirs: [] });
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 6 * MiB, 'some written');
    const old = await l.restartHelper({ oldKeepsRunning: true }); // the old helper still retries
    l.connect();
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 12 * MiB, 'the new one writing');
    await old.close(); // it gives up and ends the session on its side
    expect(parts(l.path('Documents'))).toHaveLength(1);
    await l.until(() => l.transfer(id)?.phase === 'done', 'done');
    expect(sha(readFileSync(l.path('Documents', 'late.bin')))).toBe(sha(data));
  });

  it('deletes the part file and the journal entry when the agent cancels in the new process', async () => {
    const l = loop();
    const id = l.viewer.send(new Blob([randomBytes(16 * MiB)]), 'gone.bin', { place: 'Downloads', dirs: [] });
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 4 * MiB, 'some written');
    await l.restartHelper();
    l.connect();
    await l.until(() => l.transfer(id)?.phase === 'sending', 'resumed');
    l.viewer.cancel(id);
    await l.until(() => parts(l.path('Downloads')).length === 0, 'part removed');
    await l.until(() => readdirSync(l.journal!.dir).length === 0, 'entry removed');
  });

  it('gives up an adopted upload whose viewer never comes back within the grace period, deleting its part', async () => {
    const l = loop({ resumeGraceMs: 300 });
    const id = l.viewer.send(new Blob([randomBytes(16 * MiB)]), 'orphan.bin', { place: 'Desktop', dirs: [] });
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 4 * MiB, 'some written');
    await l.restartHelper();
    expect(l.service.transfers()).toMatchObject([{ id, state: 'suspended' }]);
    await l.until(() => parts(l.path('Desktop')).length === 0, 'part removed after the grace', 5_000);
    await l.until(() => readdirSync(l.journal!.dir).length === 0, 'entry removed');
  });

  it('refuses a re-offer of an adopted id that names another file', async () => {
    const l = loop();
    const id = l.viewer.send(new Blob([randomBytes(8 * MiB)]), 'one.bin', { place: 'Documents', dirs: [] });
    await l.until(() => (l.transfer(id)?.figures.doneBytes ?? 0) > 2 * MiB, 'some written');
    await l.restartHelper();
    expect(l.service.transfers()).toMatchObject([{ id, name: 'one.bin', state: 'suspended' }]);
    expect(await l.journal!.get(id)).toMatchObject({
      name: 'one.bin',
      size: 8 * MiB,
      sessionId: 'session-1',
      agentName: 'Alex Agent',
    });
    const sent: Uint8Array[] = [];
    l.service.attach({
      peerId: 99,
      agentName: 'Alex Agent',
      send: (p) => sent.push(p),
      screenBusy: () => false,
    });
    const where = { place: 'Documents', dirs: [] };
    l.service.onPayload(99, encodeJsonPayload({ type: 'file.offer', id, name: 'one.bin', size: 5, where }));
    await l.until(() => sent.length > 0, 'an answer');
    const answer = parseFilesToViewer(sent[0]!);
    expect(answer.ok && answer.value.kind === 'message' && answer.value.message).toMatchObject({
      type: 'file.failed',
      id,
      code: 'bad_request',
    });
    // The part stays for the real owner of the id.
    expect(parts(l.path('Documents'))).toHaveLength(1);
  });
});

describe('the upload journal', () => {
  const home = path.join(tmp, 'home');
  mkdirSync(home, { recursive: true });

  function entry(id: string, over: Partial<Parameters<TransferJournal['record']>[0]> = {}) {
    return {
      id,
      sessionId: 's1',
      agentName: 'Alex Agent',
      name: 'a.bin',
      size: 10,
      sha256: null,
      dir: home,
      label: 'Home',
      partPath: path.join(home, `.a.bin.${id}.lifeline-part`),
      ...over,
    };
  }
  const id = (c: string) => c.repeat(32);

  it('sweeps at start: other sessions’ and idle parts go, this session’s are kept, a live helper’s stay', async () => {
    const dir = path.join(tmp, 'sweep');
    const before = new TransferJournal(dir, () => undefined, 'f'.repeat(32), 999_999_999);
    const mine = entry(id('a'));
    const other = entry(id('b'), {
      sessionId: 's0',
      partPath: path.join(home, `.a.bin.${id('b')}.lifeline-part`),
    });
    const idle = entry(id('c'), { partPath: path.join(home, `.a.bin.${id('c')}.lifeline-part`) });
    const live = entry(id('d'), {
      sessionId: 's9',
      partPath: path.join(home, `.a.bin.${id('d')}.lifeline-part`),
    });
    for (const e of [mine, other, idle]) {
      writeFileSync(e.partPath, 'x');
      await before.record(e);
    }
    writeFileSync(live.partPath, 'x');
    // Another helper, running now (this test process), serving another session.
    await new TransferJournal(dir).record(live);
    const now = Date.now();
    const after = new TransferJournal(dir);
    // `idle` is judged by its part file's age: pretend it is an hour old.
    const kept = await after.sweep({ sessionId: 's1', idleMs: 60_000, now });
    expect(kept.map((e) => e.id).sort()).toEqual([mine.id, idle.id].sort());
    const later = await new TransferJournal(dir).sweep({
      sessionId: 's1',
      idleMs: 60_000,
      now: now + 3_600_000,
    });
    expect(later.map((e) => e.id)).toEqual([]);
    expect(existsSync(other.partPath)).toBe(false);
    expect(existsSync(idle.partPath)).toBe(false);
    expect(existsSync(mine.partPath)).toBe(false);
    expect(existsSync(live.partPath)).toBe(true);
  });

  it('never deletes a file that is not the part of that upload, nor follows a link', async () => {
    const dir = path.join(tmp, 'careful');
    const precious = path.join(home, 'precious.txt');
    writeFileSync(precious, 'keep me');
    const dead = new TransferJournal(dir, () => undefined, 'e'.repeat(32), 999_999_998);
    await dead.record(entry(id('e'), { sessionId: 'old', partPath: precious }));
    await new TransferJournal(dir).sweep({ sessionId: 'new', idleMs: 0, now: Date.now() + 1 });
    expect(readFileSync(precious, 'utf8')).toBe('keep me');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('hands an upload over: the old owner may no longer delete it, the new one may', async () => {
    const dir = path.join(tmp, 'owner');
    const first = new TransferJournal(dir);
    const second = new TransferJournal(dir);
    const e = entry(id('1'), { partPath: path.join(home, `.a.bin.${id('1')}.lifeline-part`) });
    await first.record(e);
    expect(await first.owns(e.id)).toBe(true);
    await second.takeOver((await second.get(e.id))!);
    expect(await first.owns(e.id)).toBe(false);
    expect(await first.mayDelete(e.id)).toBe(false);
    expect(await second.mayDelete(e.id)).toBe(true);
    await first.remove(e.id);
    expect(await second.get(e.id)).not.toBeNull();
    await second.remove(e.id);
    expect(await second.get(e.id)).toBeNull();
  });
});
