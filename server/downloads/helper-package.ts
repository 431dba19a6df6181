/**
 * One system's helper download, assembled per request around a trailer (protocol/download-
 * trailer.ts) without recompressing the helper each time:
 *   - `raw` (a Windows .exe): the executable's bytes, then the trailer;
 *   - `tar.gz` (Linux, so the executable bit survives the download): a gzip file of several
 *     members, which every gzip reader (gzip, GNU tar, libarchive: file managers' archive code)
 *     reads as one stream:
 *       member 1  the other entries of the tree (folders, libraries), compressed once
 *       member 2  the executable's tar header (its size includes the trailer), per request
 *       member 3  the executable's bytes, compressed once and cached on disk
 *       member 4  the trailer, the block padding and the end-of-archive blocks, per request
 * Compressing the executable (tens of MB) happens once per build of it, in the background at
 * start-up; the cache lives in `<downloadsDir>/.cache/` (or in memory where that is read-only).
 */
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGzip, gzipSync } from 'node:zlib';
import type { Log } from '../log';
import { TAR_END_BYTES, tarHeader, tarPadding, type TarEntry } from './tar-header';

/** Entries a helper tree may have at most (bounds the walk). */
const MAX_TREE_ENTRIES = 2000;
/** Compression level of the cached executable member (once per build: take the smallest). */
const EXECUTABLE_GZIP_LEVEL = 9;
/** Compression level of the small per-request members. */
const SMALL_GZIP_LEVEL = 6;

export type PackageForm = 'raw' | 'tar.gz';

export interface HelperPackageSpec {
  /** Folder under the downloads folder holding the helper's tree (tar.gz) or its executable (raw). */
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
  /** tar.gz: member 1 (may be empty); the compressed executable (member 3). */
  staticPrefix: Buffer;
  exeMember: BodyPart | null;
}

export class HelperPackageMissing extends Error {
  constructor(what: string) {
    super(`${what} is not built on this server`);
    this.name = 'HelperPackageMissing';
  }
}

function gzip(data: Buffer): Buffer {
  return gzipSync(data, { level: SMALL_GZIP_LEVEL });
}

function partLength(p: BodyPart): number {
  return Buffer.isBuffer(p) ? p.length : p.length;
}

export class HelperPackage {
  private prepared: Promise<Prepared> | null = null;

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
    this.prepare().catch((err: unknown) =>
      this.log.warn('helper_package_failed', { dir: this.spec.dir, error: String(err) }),
    );
  }

  /** The body for a download carrying `trailer`. Throws HelperPackageMissing when not built. */
  async body(trailer: Uint8Array): Promise<PackageBody> {
    const p = await this.prepare();
    const trailerBuf = Buffer.from(trailer.buffer, trailer.byteOffset, trailer.byteLength);
    let parts: BodyPart[];
    if (this.spec.form === 'raw') {
      parts = [{ file: p.exePath, length: p.exeSize }, trailerBuf];
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
        gzip(header),
        p.exeMember!,
        gzip(Buffer.concat([trailerBuf, tarPadding(total), Buffer.alloc(TAR_END_BYTES)])),
      ];
    }
    return { length: parts.reduce((n, part) => n + partLength(part), 0), parts };
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
    const staticPrefix = chunks.length > 0 ? gzip(Buffer.concat(chunks)) : Buffer.alloc(0);
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

  /** The executable as one gzip member: from the disk cache, made there, or kept in memory. */
  private async compressedExecutable(size: number, mtimeMs: number): Promise<BodyPart> {
    const cacheDir = path.join(this.downloadsDir, '.cache');
    const name = `${this.spec.dir}-${size}-${Math.floor(mtimeMs)}.gz`;
    const cached = path.join(cacheDir, name);
    try {
      const st = statSync(cached);
      if (st.isFile() && st.size > 0) return { file: cached, length: st.size };
    } catch {
      // not cached yet
    }
    const started = Date.now();
    const gz = () => createGzip({ level: EXECUTABLE_GZIP_LEVEL, memLevel: zlibConstants.Z_BEST_COMPRESSION });
    try {
      mkdirSync(cacheDir, { recursive: true });
      for (const old of readdirSync(cacheDir)) {
        // Older builds' members only (another server process may be writing its .tmp now).
        if (old.startsWith(`${this.spec.dir}-`) && old.endsWith('.gz') && old !== name)
          rmSync(path.join(cacheDir, old), { force: true });
      }
      const temp = `${cached}.${process.pid}.tmp`;
      await pipeline(createReadStream(this.exePath), gz(), createWriteStream(temp));
      await rename(temp, cached);
      const length = statSync(cached).size;
      this.log.info('helper_package_compressed', {
        dir: this.spec.dir,
        bytes: length,
        ms: Date.now() - started,
      });
      return { file: cached, length };
    } catch (err) {
      this.log.warn('helper_package_cache_unwritable', { dir: cacheDir, error: String(err) });
      const chunks: Buffer[] = [];
      for await (const chunk of createReadStream(this.exePath).pipe(gz())) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
  }
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
