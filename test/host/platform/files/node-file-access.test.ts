import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NodeFileAccess,
  PART_SUFFIX,
  READ_CHUNK_MAX_BYTES,
} from '../../../../host/platform/files/node-file-access';
import { ProtocolError } from '../../../../protocol/errors';

let root: string;
let home: string;
let dir: string;
let outside: string;
let files: NodeFileAccess;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lifeline-files-')));
  home = path.join(root, 'home');
  dir = path.join(home, 'Downloads');
  outside = path.join(root, 'outside');
  mkdirSync(dir, { recursive: true });
  mkdirSync(outside);
  files = new NodeFileAccess({ home, env: {} });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function upload(name: string, content: string | Buffer): Promise<string> {
  const w = await files.openWrite(dir, name, 0);
  await w.write(Buffer.from(content));
  return w.commit();
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProtocolError);
  expect((err as ProtocolError).code).toBe(code);
}

describe('NodeFileAccess writes', () => {
  it('writes through a temporary file and renames on commit', async () => {
    const w = await files.openWrite(dir, 'report.pdf', 0);
    expect(path.dirname(w.tempPath)).toBe(dir);
    expect(path.basename(w.tempPath)).toBe(`.report.pdf${PART_SUFFIX}`);
    await w.write(Buffer.from('hello '));
    await w.write(Buffer.from('world'));
    expect(readdirSync(dir)).toEqual([`.report.pdf${PART_SUFFIX}`]);
    const final = await w.commit();
    expect(final).toBe(path.join(dir, 'report.pdf'));
    expect(readFileSync(final, 'utf8')).toBe('hello world');
    expect(readdirSync(dir)).toEqual(['report.pdf']);
  });

  it('never overwrites: an existing name gets "name (1).ext", then "(2)"', async () => {
    writeFileSync(path.join(dir, 'report.pdf'), 'original');
    expect(await upload('report.pdf', 'second')).toBe(path.join(dir, 'report (1).pdf'));
    expect(await upload('report.pdf', 'third')).toBe(path.join(dir, 'report (2).pdf'));
    expect(readFileSync(path.join(dir, 'report.pdf'), 'utf8')).toBe('original');
    expect(readFileSync(path.join(dir, 'report (1).pdf'), 'utf8')).toBe('second');
    expect(readFileSync(path.join(dir, 'report (2).pdf'), 'utf8')).toBe('third');
  });

  it('does not follow a planted symlink at the final name or at the temporary file', async () => {
    const target = path.join(outside, 'victim.txt');
    writeFileSync(target, 'keep me');
    symlinkSync(target, path.join(dir, 'evil.txt'));
    expect(await upload('evil.txt', 'attack')).toBe(path.join(dir, 'evil (1).txt'));
    symlinkSync(target, path.join(dir, `.trap.txt${PART_SUFFIX}`));
    await expectCode(files.openWrite(dir, 'trap.txt', 0), 'forbidden');
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });

  it('resumes an upload at an offset after suspend', async () => {
    const first = await files.openWrite(dir, 'big.bin', 0);
    await first.write(Buffer.from('0123456789'));
    await first.suspend?.();
    // The connection dropped after 6 bytes were acknowledged: resume there.
    const again = await files.openWrite(dir, 'big.bin', 6);
    await again.write(Buffer.from('6789abcdef'));
    const final = await again.commit();
    expect(readFileSync(final, 'utf8')).toBe('0123456789abcdef');
    expect(readdirSync(dir)).toEqual(['big.bin']);
  });

  it('reads a part file back only as the helper’s own (an agent’s fetch of it is refused)', async () => {
    const w = await files.openWrite(dir, 'big.bin', 0, 'abc123');
    await w.write(Buffer.from('0123456789'));
    await w.suspend?.();
    // The agent's path: a hidden file, not shared.
    await expectCode(files.openRead(w.tempPath, 0), 'forbidden');
    // The helper hashing an adopted upload back.
    const r = await files.openRead(w.tempPath, 0, true);
    expect(Buffer.from((await r.read(100))!).toString()).toBe('0123456789');
    await r.close();
    // Not a way to read any hidden file.
    writeFileSync(path.join(dir, '.secret'), 'x');
    await expectCode(files.openRead(path.join(dir, '.secret'), 0, true), 'forbidden');
  });

  it('refuses to resume past the partial file or with nothing to resume', async () => {
    const w = await files.openWrite(dir, 'a.bin', 0);
    await w.write(Buffer.from('abc'));
    await w.suspend?.();
    await expectCode(files.openWrite(dir, 'a.bin', 4), 'bad_request');
    await expectCode(files.openWrite(dir, 'never.bin', 10), 'not_found');
    await expectCode(files.openWrite(dir, 'a.bin', -1), 'bad_request');
  });

  it('abort removes the temporary file', async () => {
    const w = await files.openWrite(dir, 'x.txt', 0);
    await w.write(Buffer.from('partial'));
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a target that is not a folder, or missing', async () => {
    writeFileSync(path.join(dir, 'file'), 'x');
    await expectCode(files.openWrite(path.join(dir, 'file'), 'a', 0), 'bad_request');
    await expectCode(files.openWrite(path.join(dir, 'missing'), 'a', 0), 'not_found');
  });

  it('writes nothing outside the folder, whatever the name (property, real files)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.constantFrom('../x', '..\\x', '/etc/x', '..', '.', 'CON', '\u0000', 'a/../../b'),
        ),
        async (name) => {
          const final = await upload(name, 'data');
          expect(path.dirname(final)).toBe(dir);
          expect(path.dirname(realpathSync(final))).toBe(dir);
          expect(readFileSync(final, 'utf8')).toBe('data');
          rmSync(final);
        },
      ),
      { numRuns: 300 },
    );
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(root).sort()).toEqual(['home', 'outside']);
    expect(readdirSync(home)).toEqual(['Downloads']);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('NodeFileAccess reads and listings', () => {
  it('reads from an offset, in chunks, until the end', async () => {
    const file = path.join(dir, 'data.txt');
    writeFileSync(file, 'abcdefghij');
    const r = await files.openRead(file, 4);
    expect(r.size).toBe(10);
    expect(Buffer.from((await r.read(3))!).toString()).toBe('efg');
    expect(Buffer.from((await r.read(100))!).toString()).toBe('hij');
    expect(await r.read(100)).toBeNull();
    await r.close();
  });

  it('caps one read at READ_CHUNK_MAX_BYTES and checks the offset', async () => {
    const file = path.join(dir, 'big.bin');
    writeFileSync(file, Buffer.alloc(READ_CHUNK_MAX_BYTES + 10, 7));
    const r = await files.openRead(file, 0);
    expect((await r.read(Number.MAX_SAFE_INTEGER))!.length).toBe(READ_CHUNK_MAX_BYTES);
    await r.close();
    await expectCode(files.openRead(file, READ_CHUNK_MAX_BYTES + 11), 'bad_request');
    await expectCode(files.openRead(dir, 0), 'bad_request');
    await expectCode(files.openRead(path.join(dir, 'nope'), 0), 'not_found');
  });

  it('lists folders first, with sizes and kinds', async () => {
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'b.txt'), '12345');
    writeFileSync(path.join(dir, 'a.txt'), '1');
    symlinkSync(path.join(dir, 'gone'), path.join(dir, 'dangling'));
    const list = await files.list(dir);
    expect(list.map((e) => [e.name, e.kind, e.size])).toEqual([
      ['sub', 'directory', 0],
      ['a.txt', 'file', 1],
      ['b.txt', 'file', 5],
      ['dangling', 'other', 0],
    ]);
    expect(list[1]!.modifiedMs).toBeGreaterThan(0);
  });

  it('reports free space of the folder', async () => {
    expect(await files.freeBytes(dir)).toBeGreaterThan(0);
  });

  it('offers the places that exist, with XDG names', async () => {
    mkdirSync(path.join(home, 'Desktop'), { recursive: true });
    mkdirSync(path.join(home, 'Téléchargements'));
    mkdirSync(path.join(home, '.config'));
    writeFileSync(
      path.join(home, '.config', 'user-dirs.dirs'),
      '# written by xdg-user-dirs-update\nXDG_DOWNLOAD_DIR="$HOME/Téléchargements"\nXDG_DOCUMENTS_DIR="$HOME/Documents"\n',
    );
    const places = await new NodeFileAccess({ home, env: {} }).places();
    expect(places).toEqual([
      { name: 'Home', path: home },
      { name: 'Desktop', path: path.join(home, 'Desktop') },
      { name: 'Downloads', path: path.join(home, 'Téléchargements') },
    ]);
  });
});
