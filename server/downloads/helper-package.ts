/**
 * One system's helper download, assembled per request around a trailer (protocol/download-
 * trailer.ts) without recompressing the helper each time:
 *   - `raw` (a Windows .exe): the executable's bytes, then the trailer. To a browser that accepts
 *     it, sent with `Content-Encoding: gzip` (the browser undoes it: the file on disk is the same),
 *     about 2.3 times fewer bytes on the wire: ONE gzip member made of
 *       the gzip header                                                       10 bytes
 *       the executable, raw deflate ending on a full flush (no final block)   compressed once, cached
 *       the trailer, raw deflate with the final block                         per request
 *       CRC-32 of executable + trailer (continued from the executable's),
 *       and their length mod 2^32                                             per request, 8 bytes
 *     A full flush byte-aligns the stream and empties the window, so a second deflate stream may
 *     follow it as further blocks of the same stream (RFC 1951: blocks are independent then).
 *     One member, not two: browsers are not all known to read past a first member;
 *   - `tar.xz` (Linux, so the executable bit survives the download): an .xz file of several
 *     streams, which every xz reader (xz, GNU tar, libarchive: file managers' archive code) reads
 *     as one:
 *       stream 1  the other entries of the tree (folders, libraries; none today), stored
 *       stream 2  the executable's tar header (its size includes the trailer), per request, stored
 *       stream 3  the executable's bytes, compressed once by xz (XZ_ARGS) and cached on disk
 *       stream 4  the trailer, the block padding and the end-of-archive blocks, per request, stored
 *     ("stored": xz-stored.ts, written here, a few hundred bytes). xz, not gzip: 34 % fewer bytes
 *     for the 105 MiB executable (docs/performance.md has the measurements, zstd and brotli too).
 * Compressing the executable (tens of MB) happens once per build of it: scripts/build-sea.mjs asks
 * for it right after building (`compressed()`); a server that finds no copy (an executable copied
 * in by hand) makes it when the first download asks, which waits for it. The .exe's deflate copy
 * is made in the background at start-up (plain bytes until then). The cache lives in
 * `<downloadsDir>/.cache/` (or in memory where that is read-only).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import type { Log } from '../log';
import { TAR_END_BYTES, tarHeader, tarPadding, type TarEntry } from './tar-header';
import { xzStored } from './xz-stored';

/** Entries a helper tree may have at most (bounds the walk). */
const MAX_TREE_ENTRIES = 2000;
/**
 * Compression level of the cached .exe (once per build). 6, not 9: on the 105 MiB Linux
 * executable (when it went as a tar.gz) 9 took 18 s for 0.4 % fewer bytes, 6 took 8.5 s.
 */
const EXECUTABLE_GZIP_LEVEL = 6;
/** Compression level of the small per-request deflate blocks (raw form). */
const SMALL_GZIP_LEVEL = 6;
/**
 * How xz compresses the Linux executable, once per build: the x86 branch filter (calls and jumps
 * made relative, so repeated targets look alike: 3 % fewer bytes) then LZMA2 preset 6, on two
 * threads. Measured on the 105 MiB executable in docs/performance.md.
 */
export const XZ_ARGS = ['--threads=2', '--x86', '--lzma2=preset=6', '--stdout'];

export type PackageForm = 'raw' | 'tar.xz';

export interface HelperPackageSpec {
  /** Folder under the downloads folder holding the helper's tree (tar.xz) or its executable (raw). */
  dir: string;
  /** The executable that carries the trailer, relative to `dir`, '/'-separated. */
  executable: string;
  form: PackageForm;
  /** The name the customer's browser saves it as. */
  fileName: string;
  contentType: string;
  /** The command that builds it, for the page a server without it answers with. */
  build: string;
}

/** A part of the body: bytes in memory, or a file on disk of known length. */
export type BodyPart = Buffer | { file: string; length: number };

export interface PackageBody {
  length: number;
  parts: BodyPart[];
}

interface Prepared {
  /** Executable size and modification time, which the cache is keyed on. */
  exeSize: number;
  exeMtimeMs: number;
  exePath: string;
  /** tar.xz: stream 1 (may be empty); the compressed executable (stream 3). */
  staticPrefix: Buffer;
  exeMember: BodyPart | null;
}

/** raw: the executable as raw deflate ending on a full flush, and the CRC-32 of its bytes. */
interface Deflated {
  part: BodyPart;
  crc: number;
}

/** A gzip header: deflate, no name, no time, unknown system (RFC 1952). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);

export class HelperPackageMissing extends Error {
  constructor(what: string) {
    super(`${what} is not built on this server`);
    this.name = 'HelperPackageMissing';
  }
}

function partLength(p: BodyPart): number {
  return Buffer.isBuffer(p) ? p.length : p.length;
}

export class HelperPackage {
  private prepared: Promise<Prepared> | null = null;
  /** raw: the compressed executable once made, keyed on the executable's size and time. */
  private deflated: { key: string; ready: Deflated | null; making: Promise<unknown> } | null = null;

  constructor(
    private readonly downloadsDir: string,
    readonly spec: HelperPackageSpec,
    private readonly log: Log,
  ) {}

  private get root(): string {
    return path.join(this.downloadsDir, this.spec.dir);
  }

  private get exePath(): string {
    return path.join(this.root, ...this.spec.executable.split('/'));
  }

  /** Whether the helper is built (the executable exists). */
  available(): boolean {
    try {
      return statSync(this.exePath).isFile();
    } catch {
      return false;
    }
  }

  /** Starts the one-time work (compressing the executable) so the first customer does not wait. */
  warm(): void {
    if (!this.available()) return;
    if (this.spec.form === 'tar.xz' && !this.xzCached()) {
      // Not at start-up: a minute of both cores, and every test server of a checkout would start
      // its own. The build makes it (scripts/build-sea.mjs); else the first download does, once.
      this.log.info('helper_package_not_compressed', { dir: this.spec.dir, build: this.spec.build });
      return;
    }
    this.prepare()
      .then((p) => {
        if (this.spec.form === 'raw') this.deflatedFor(p);
      })
      .catch((err: unknown) =>
        this.log.warn('helper_package_failed', { dir: this.spec.dir, error: String(err) }),
      );
  }

  /**
   * The body for a download carrying `trailer`. `gzip`: the client accepts Content-Encoding gzip;
   * the answer says whether the body is encoded (raw form only, once the executable's compressed
   * copy is made: until then the plain bytes, the first customer never waits for it). Throws
   * HelperPackageMissing when not built.
   */
  async body(
    trailer: Uint8Array,
    options: { gzip?: boolean } = {},
  ): Promise<PackageBody & { gzip: boolean }> {
    const p = await this.prepare();
    const trailerBuf = Buffer.from(trailer.buffer, trailer.byteOffset, trailer.byteLength);
    let parts: BodyPart[];
    let encoded = false;
    if (this.spec.form === 'raw') {
      const deflated = options.gzip ? this.deflatedFor(p) : null;
      if (deflated) {
        const footer = Buffer.alloc(8);
        footer.writeUInt32LE(crc32(trailerBuf, deflated.crc), 0);
        footer.writeUInt32LE((p.exeSize + trailerBuf.length) >>> 0, 4);
        parts = [GZIP_HEADER, deflated.part, deflateRawSync(trailerBuf, { level: SMALL_GZIP_LEVEL }), footer];
        encoded = true;
      } else {
        parts = [{ file: p.exePath, length: p.exeSize }, trailerBuf];
      }
    } else {
      const total = p.exeSize + trailerBuf.length;
      const header = tarHeader({
        name: this.spec.executable,
        kind: 'file',
        mode: 0o755,
        size: total,
        mtime: Math.floor(p.exeMtimeMs / 1000),
      });
      parts = [
        ...(p.staticPrefix.length > 0 ? [p.staticPrefix] : []),
        xzStored(header),
        p.exeMember!,
        xzStored(Buffer.concat([trailerBuf, tarPadding(total), Buffer.alloc(TAR_END_BYTES)])),
      ];
    }
    return { length: parts.reduce((n, part) => n + partLength(part), 0), parts, gzip: encoded };
  }

  /** The executable's compressed copy when made; else starts making it (once) and gives null. */
  private deflatedFor(p: Prepared): Deflated | null {
    const key = `${p.exeSize}-${Math.floor(p.exeMtimeMs)}`;
    if (this.deflated?.key === key) return this.deflated.ready;
    const entry: { key: string; ready: Deflated | null; making: Promise<unknown> } = {
      key,
      ready: null,
      making: Promise.resolve(),
    };
    entry.making = this.deflatedExecutable(p, key).then(
      (d) => {
        entry.ready = d;
      },
      (err: unknown) => {
        this.log.warn('helper_package_failed', { dir: this.spec.dir, error: String(err) });
        if (this.deflated === entry) this.deflated = null;
      },
    );
    this.deflated = entry;
    return null;
  }

  /**
   * Resolves once the compressed copy of the current build is made (the build script, tests,
   * benchmarks); throws HelperPackageMissing when there is no executable.
   */
  async compressed(): Promise<void> {
    const p = await this.prepare();
    if (this.spec.form !== 'raw') return;
    this.deflatedFor(p);
    await this.deflated?.making;
  }

  /**
   * The executable as raw deflate ending on a full flush, from the disk cache (its CRC-32 in the
   * file's name), made there, or kept in memory where the folder is read-only.
   */
  private async deflatedExecutable(p: Prepared, key: string): Promise<Deflated> {
    const cacheDir = path.join(this.downloadsDir, '.cache');
    const prefix = `${this.spec.dir}-${key}-`;
    try {
      for (const name of readdirSync(cacheDir)) {
        const m = name.startsWith(prefix) ? /^([0-9a-f]{8})\.deflate$/.exec(name.slice(prefix.length)) : null;
        const st = m ? statSync(path.join(cacheDir, name)) : null;
        if (m && st && st.isFile() && st.size > 0)
          return { part: { file: path.join(cacheDir, name), length: st.size }, crc: parseInt(m[1]!, 16) };
      }
    } catch {
      // no cache folder yet
    }
    const started = Date.now();
    let crc = 0;
    /** The executable's bytes, its CRC-32 taken on the way. */
    const source = () => {
      crc = 0;
      return createReadStream(p.exePath).pipe(
        new Transform({
          transform(chunk: Buffer, _encoding, done) {
            crc = crc32(chunk, crc);
            done(null, chunk);
          },
        }),
      );
    };
    const deflate = () =>
      createDeflateRaw({ level: EXECUTABLE_GZIP_LEVEL, finishFlush: zlibConstants.Z_FULL_FLUSH });
    try {
      mkdirSync(cacheDir, { recursive: true });
      for (const old of readdirSync(cacheDir)) {
        if (old.startsWith(`${this.spec.dir}-`) && old.endsWith('.deflate') && !old.startsWith(prefix))
          rmSync(path.join(cacheDir, old), { force: true });
      }
      const temp = path.join(cacheDir, `${prefix}${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
      await pipeline(source(), deflate(), createWriteStream(temp));
      const file = path.join(cacheDir, `${prefix}${(crc >>> 0).toString(16).padStart(8, '0')}.deflate`);
      await rename(temp, file);
      const length = statSync(file).size;
      this.log.info('helper_package_compressed', {
        dir: this.spec.dir,
        bytes: length,
        ms: Date.now() - started,
      });
      return { part: { file, length }, crc: crc >>> 0 };
    } catch (err) {
      this.log.warn('helper_package_cache_unwritable', { dir: cacheDir, error: String(err) });
      const chunks: Buffer[] = [];
      for await (const chunk of source().pipe(deflate())) chunks.push(chunk as Buffer);
      return { part: Buffer.concat(chunks), crc: crc >>> 0 };
    }
  }

  private async prepare(): Promise<Prepared> {
    let st;
    try {
      st = statSync(this.exePath);
    } catch {
      throw new HelperPackageMissing(`the ${this.spec.dir} helper`);
    }
    if (!st.isFile()) throw new HelperPackageMissing(`the ${this.spec.dir} helper`);
    const current = this.prepared;
    if (current) {
      // Rebuilt since (npm run build while serving): prepare again.
      return current.then((p) => (p.exeSize === st.size && p.exeMtimeMs === st.mtimeMs ? p : this.restart()));
    }
    return this.restart();
  }

  private restart(): Promise<Prepared> {
    const run = this.build();
    this.prepared = run;
    run.catch(() => {
      if (this.prepared === run) this.prepared = null;
    });
    return run;
  }

  private async build(): Promise<Prepared> {
    const st = statSync(this.exePath);
    const base: Prepared = {
      exeSize: st.size,
      exeMtimeMs: st.mtimeMs,
      exePath: this.exePath,
      staticPrefix: Buffer.alloc(0),
      exeMember: null,
    };
    if (this.spec.form === 'raw') return base;
    const entries = this.walk();
    const chunks: Buffer[] = [];
    for (const e of entries) {
      chunks.push(tarHeader(e.entry));
      if (e.entry.kind === 'file') {
        const data = await readFile(e.file);
        if (data.length !== e.entry.size) throw new Error(`${e.file} changed while packaging`);
        chunks.push(data, tarPadding(data.length));
      }
    }
    const staticPrefix = chunks.length > 0 ? xzStored(Buffer.concat(chunks)) : Buffer.alloc(0);
    const exeMember = await this.compressedExecutable(st.size, st.mtimeMs);
    return { ...base, staticPrefix, exeMember };
  }

  /** Every folder and file of the tree but the executable, folders first, in name order. */
  private walk(): { entry: TarEntry; file: string }[] {
    const out: { entry: TarEntry; file: string }[] = [];
    const visit = (rel: string) => {
      const dir = path.join(this.root, ...rel.split('/').filter(Boolean));
      for (const name of readdirSync(dir).sort()) {
        if (rel === '' && name.startsWith('.')) continue;
        const relName = rel === '' ? name : `${rel}/${name}`;
        if (relName === this.spec.executable) continue;
        const file = path.join(dir, name);
        const st = statSync(file);
        if (out.length >= MAX_TREE_ENTRIES) throw new Error(`${this.root} has too many entries`);
        const mtime = Math.floor(st.mtimeMs / 1000);
        if (st.isDirectory()) {
          out.push({ entry: { name: relName, kind: 'dir', mode: 0o755, size: 0, mtime }, file });
          visit(relName);
        } else if (st.isFile()) {
          const mode = st.mode & 0o111 ? 0o755 : 0o644;
          out.push({ entry: { name: relName, kind: 'file', mode, size: st.size, mtime }, file });
        }
      }
    };
    visit('');
    return out;
  }

  /** Where the xz copy of an executable of this size and time is cached. */
  private xzCachePath(size: number, mtimeMs: number): string {
    return path.join(this.downloadsDir, '.cache', `${this.spec.dir}-${size}-${Math.floor(mtimeMs)}.xz`);
  }

  /** The cached xz copy of the current executable, if made. */
  private xzCached(): BodyPart | null {
    try {
      const exe = statSync(this.exePath);
      const cached = this.xzCachePath(exe.size, exe.mtimeMs);
      const st = statSync(cached);
      return st.isFile() && st.size > 0 ? { file: cached, length: st.size } : null;
    } catch {
      return null;
    }
  }

  /**
   * The executable as one xz stream: from the disk cache, made there, or kept in memory. Made
   * here only when the build did not (an executable copied in by hand): the download that asks
   * first waits for it.
   */
  private async compressedExecutable(size: number, mtimeMs: number): Promise<BodyPart> {
    const cached = this.xzCachePath(size, mtimeMs);
    const cacheDir = path.dirname(cached);
    const name = path.basename(cached);
    const found = this.xzCached();
    if (found && !Buffer.isBuffer(found) && found.file === cached) return found;
    const started = Date.now();
    try {
      mkdirSync(cacheDir, { recursive: true });
      for (const old of readdirSync(cacheDir)) {
        // Older builds' streams only (another process may be writing its .tmp now).
        if (old.startsWith(`${this.spec.dir}-`) && /\.(gz|xz)$/.test(old) && old !== name)
          rmSync(path.join(cacheDir, old), { force: true });
      }
    } catch (err) {
      this.log.warn('helper_package_cache_unwritable', { dir: cacheDir, error: String(err) });
      const chunks: Buffer[] = [];
      for await (const chunk of xz(this.exePath)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    const temp = `${cached}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await pipeline(xz(this.exePath), createWriteStream(temp));
      await rename(temp, cached);
    } finally {
      rmSync(temp, { force: true });
    }
    const length = statSync(cached).size;
    this.log.info('helper_package_compressed', {
      dir: this.spec.dir,
      bytes: length,
      ms: Date.now() - started,
    });
    return { file: cached, length };
  }
}

/**
 * `xz` (Debian's xz-utils) compressing a file to its stdout; the stream fails when xz is missing
 * or exits with an error, naming the package and what xz said.
 */
function xz(file: string): Readable {
  const child = spawn('xz', [...XZ_ARGS, '--', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (said.length < 2000) said += d;
  });
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk);
    },
    flush(done) {
      if (child.exitCode !== null) {
        done(child.exitCode === 0 ? null : new Error(`xz exited with ${child.exitCode}: ${said.trim()}`));
        return;
      }
      child.once('close', (code) =>
        done(code === 0 ? null : new Error(`xz exited with ${code}: ${said.trim()}`)),
      );
    },
  });
  child.once('error', (err) =>
    out.destroy(new Error(`cannot run xz (scripts/system-packages.sh installs xz-utils): ${String(err)}`)),
  );
  child.stdout.pipe(out);
  return out;
}

/** The body as a stream (files read as they are sent, with the response's backpressure). */
export function bodyStream(parts: readonly BodyPart[]): Readable {
  return Readable.from(
    (async function* () {
      for (const part of parts) {
        if (Buffer.isBuffer(part)) yield part;
        else for await (const chunk of createReadStream(part.file)) yield chunk as Buffer;
      }
    })(),
  );
}
