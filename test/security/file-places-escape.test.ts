/**
 * Attack: an agent with only the "files" grant tries to reach beyond the customer's places:
 * hidden folders (`.ssh`, `.config/autostart`: a file there runs at the next login), dotfiles
 * (`.profile`), and folders or files inside a place that are symbolic links to elsewhere
 * (`Documents/link -> /elsewhere`). Before, the Home place accepted any folder below it, hidden
 * ones included, listings showed hidden entries, and a symlinked folder led outside every place
 * (O_NOFOLLOW guards the last component only). Guarded by host/platform/files/place-containment.ts
 * (every path judged by its real path: inside a place, no hidden component), the hidden-name
 * checks of host/session/file-transfer/file-where.ts and safe-file-name.ts, and the execute bits
 * cleared on commit.
 *
 * Real helper modules: the FileTransferService that answers the viewer's files channel, over the
 * real NodeFileAccess in a temporary home, driven with raw protocol payloads (what a modified
 * viewer could send). 900+ hostile requests; an escape is any listing, read or write the oracle
 * below (written from the rule, not from the code) says must not happen.
 */
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFileAccess } from '../../host/platform/files/node-file-access';
import { FileTransferService } from '../../host/session/file-transfer/file-transfer-service';
import { encodeJsonPayload, parseJsonPayload } from '../../protocol/data/json-payload';
import { encodeFileChunk, FilesToViewer, newFileId } from '../../protocol/data/files';

const PLACES = ['Home', 'Desktop', 'Downloads', 'Documents'] as const;
/** Folder paths below a place an attacker would try (raw: some are refused by the schema). */
const DIRS: string[][] = [
  [],
  ['.ssh'],
  ['.config'],
  ['.config', 'autostart'],
  ['.mozilla', 'firefox'],
  ['link'],
  ['link', 'sub'],
  ['deep', 'inner'],
  ['deep', 'inner', 'sub'],
  ['dotlink'],
  ['homelink', '.ssh'],
  ['homelink', 'Documents', 'link'],
  ['Documents', 'link'],
  ['Documents', 'deep', 'inner'],
  ['..'],
  ['..', '..', 'elsewhere'],
  ['a/b'],
  ['C:'],
  ['.'],
  ['..hidden'],
];
const FETCH_NAMES = [
  'authorized_keys',
  'secret.txt',
  'secretlink',
  'dotfilelink',
  '.bashrc',
  '.profile',
  'notes.txt',
  '../secret.txt',
  'id_ed25519',
  'prefs.js',
];
const OFFER_NAMES = ['.profile', 'updater.desktop', '../../.ssh/authorized_keys', '.ssh/authorized_keys'];

type Reply = FilesToViewer | { type: 'refused_by_schema' };

let root: string;
let home: string;
let elsewhere: string;
let service: FileTransferService;
let umask: number;
const replies: Reply[] = [];
const waiters: (() => void)[] = [];

function arrived(r: Reply): void {
  replies.push(r);
  for (const w of waiters.splice(0)) w();
}

beforeAll(() => {
  // No umask to hide a missing execute-bit clear: what the helper asks for is what it gets.
  umask = process.umask(0);
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lifeline-escape-')));
  home = path.join(root, 'home');
  elsewhere = path.join(root, 'elsewhere');
  for (const d of [
    'Desktop',
    'Downloads',
    'Documents/deep',
    '.ssh',
    '.config/autostart',
    '.mozilla/firefox',
  ]) {
    mkdirSync(path.join(home, d), { recursive: true });
  }
  mkdirSync(path.join(elsewhere, 'sub'), { recursive: true });
  writeFileSync(path.join(elsewhere, 'secret.txt'), 'outside');
  writeFileSync(path.join(elsewhere, 'sub', 'secret.txt'), 'outside');
  writeFileSync(path.join(home, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA customer');
  writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE');
  writeFileSync(path.join(home, '.mozilla', 'firefox', 'prefs.js'), 'prefs');
  writeFileSync(path.join(home, '.bashrc'), 'rc');
  writeFileSync(path.join(home, 'Documents', 'notes.txt'), 'fine to read');
  // The customer's own links: a folder and a file leading outside, one leading to a hidden
  // folder of the home, and a harmless one back to the home.
  symlinkSync(elsewhere, path.join(home, 'Documents', 'link'));
  symlinkSync(path.join(elsewhere, 'sub'), path.join(home, 'Documents', 'deep', 'inner'));
  symlinkSync(path.join(elsewhere, 'secret.txt'), path.join(home, 'Downloads', 'secretlink'));
  symlinkSync(path.join(home, '.ssh', 'id_ed25519'), path.join(home, 'Downloads', 'dotfilelink'));
  symlinkSync(path.join(home, '.ssh'), path.join(home, 'Desktop', 'dotlink'));
  symlinkSync(home, path.join(home, 'Desktop', 'homelink'));

  service = new FileTransferService({
    files: () => new NodeFileAccess({ home, env: {} }),
    mayUse: () => true,
    // A message the schema refuses is logged, not answered: the log is its answer here.
    log: (event) => {
      if (event === 'files_invalid') arrived({ type: 'refused_by_schema' });
    },
    onEvent: () => undefined,
  });
  service.attach({
    peerId: 2,
    agentName: 'Mallory',
    send: (p) => {
      const parsed = parseJsonPayload(FilesToViewer, p);
      if (parsed.ok) arrived(parsed.value);
    },
    screenBusy: () => false,
  });
});
afterAll(async () => {
  await service.close();
  rmSync(root, { recursive: true, force: true });
  process.umask(umask);
});

/** Sends a raw message and waits for the reply `match` picks (or the schema's refusal). */
async function ask(
  message: Record<string, unknown>,
  match: (r: FilesToViewer) => boolean,
): Promise<FilesToViewer | null> {
  const mark = replies.length;
  service.onPayload(2, encodeJsonPayload(message as { type: string }));
  const end = Date.now() + 10_000;
  for (;;) {
    for (const r of replies.slice(mark)) {
      if (r.type === 'refused_by_schema') return null;
      if (match(r)) return r;
    }
    if (Date.now() > end) throw new Error(`no answer to ${JSON.stringify(message)}`);
    await new Promise<void>((resolve) => waiters.push(resolve));
  }
}

/** The rule, from the outside: a real path is reachable when it lies in a place, nothing hidden below it. */
function reachable(real: string): boolean {
  const places = [
    home,
    path.join(home, 'Desktop'),
    path.join(home, 'Downloads'),
    path.join(home, 'Documents'),
  ];
  return places.some((p) => {
    if (real === p) return true;
    if (!real.startsWith(p + path.sep)) return false;
    return real
      .slice(p.length + 1)
      .split(path.sep)
      .every((c) => !c.startsWith('.'));
  });
}

function placePath(place: string): string {
  return place === 'Home' ? home : path.join(home, place);
}

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** Every file under `dir` (links not followed), with its mode. */
function walk(dir: string, out: Map<string, number> = new Map()): Map<string, number> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const st = lstatSync(full);
    if (st.isDirectory()) walk(full, out);
    else out.set(full, st.mode);
  }
  return out;
}

describe('an agent with the files grant, against hidden folders and symlinked folders', () => {
  it('reaches nothing outside the places: 0 escapes in 1,200 hostile paths', async () => {
    const before = walk(root);
    const escapes: string[] = [];
    let attempts = 0;
    let req = 1;

    for (const place of PLACES) {
      for (const dirs of DIRS) {
        const where = { place, dirs };
        const folder = path.join(placePath(place), ...dirs);
        const folderReal = realOrNull(folder);
        const folderOk = folderReal !== null && reachable(folderReal) && !dirs.some((d) => d === '..');

        // Listing.
        attempts++;
        const r = req++;
        const listed = await ask({ type: 'files.list', req: r, where }, (m) => 'req' in m && m.req === r);
        if (listed?.type === 'files.listing') {
          if (!folderOk) escapes.push(`listed ${place}/${dirs.join('/')}`);
          for (const e of listed.entries) {
            const real = realOrNull(path.join(folder, e.name));
            if (e.name.startsWith('.') || (real !== null && !reachable(real)))
              escapes.push(`listing of ${place}/${dirs.join('/')} shows ${e.name}`);
          }
        }

        // Downloads.
        for (const name of FETCH_NAMES) {
          attempts++;
          const id = newFileId();
          const got = await ask(
            { type: 'file.fetch', id, where, name, offset: 0 },
            (m) => 'id' in m && m.id === id && (m.type === 'file.sending' || m.type === 'file.failed'),
          );
          if (got?.type === 'file.sending') {
            const real = realOrNull(path.join(folder, name));
            if (real === null || !reachable(real) || name.startsWith('.'))
              escapes.push(`read ${place}/${dirs.join('/')}/${name}`);
            service.onPayload(2, encodeJsonPayload({ type: 'file.cancel', id }));
          }
        }

        // Uploads: a whole file each (offer, one chunk, end).
        for (const name of OFFER_NAMES) {
          attempts++;
          const id = newFileId();
          const data = Buffer.from(`#!/bin/sh\necho pwned ${id}\n`);
          const sha256 = createHash('sha256').update(data).digest('hex');
          const answer = await ask(
            { type: 'file.offer', id, name, size: data.length, sha256, where },
            (m) => 'id' in m && m.id === id && (m.type === 'file.accepted' || m.type === 'file.failed'),
          );
          if (answer?.type !== 'file.accepted') continue;
          service.onPayload(2, encodeFileChunk(id, 0, data));
          await ask(
            { type: 'file.end', id },
            (m) => 'id' in m && m.id === id && (m.type === 'file.done' || m.type === 'file.failed'),
          );
        }
      }
    }

    // What the uploads left on disk: only plain, visible, non-executable files in the places.
    for (const [file, mode] of walk(root)) {
      if (before.has(file)) continue;
      const real = realOrNull(file);
      if (real === null || !reachable(real)) escapes.push(`wrote ${path.relative(root, file)}`);
      if ((mode & 0o111) !== 0) escapes.push(`executable ${path.relative(root, file)}`);
    }
    console.log(`file places: ${attempts} hostile requests, ${escapes.length} escapes`);
    expect(attempts).toBeGreaterThanOrEqual(500);
    expect(escapes).toEqual([]);
    // The places still work for what is allowed.
    const ok = await ask({ type: 'files.list', req: 99999, where: { place: 'Documents', dirs: [] } }, (m) =>
      'req' in m ? m.req === 99999 : false,
    );
    expect(ok?.type === 'files.listing' ? ok.entries.map((e) => e.name) : ok).toContain('notes.txt');
  }, 120_000);
});
