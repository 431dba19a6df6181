/**
 * FileAccess over plain Node fs (any OS). Contract for writes: data goes to a temporary file in the
 * target folder (".<name>.<transfer id>.lifeline-part", kept for resume), and commit() moves it to the sanitised
 * name, or to "name (1).ext", "name (2).ext"... when that exists: an existing file is never
 * overwritten (the final name is claimed with O_EXCL before the rename), and never executable
 * (its execute bits are cleared before it is committed). Every path written is checked to lie
 * directly in realpath(dir), and files are opened with O_NOFOLLOW so a planted symlink cannot
 * redirect a write.
 *
 * The places (places()) are the only parts of the disk this reaches, and hidden entries inside
 * them are not part of them (`.ssh`, `.config/autostart`, browser profiles, our own temporary
 * files): every folder and file is resolved to its real path (every component, so a symbolic
 * link anywhere on the way is followed, then judged), which must lie in the real path of a
 * place with no hidden component below it (place-containment.ts). A file is opened by that real
 * path, then checked again: the opened object must be the one at the real path, and the real
 * path must still be itself (no component swapped for a link meanwhile). Listings leave out
 * hidden entries and links that lead outside.
 */
import { constants as C } from 'node:fs';
import {
  lstat,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  stat,
  statfs,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ProtocolError } from '../../../protocol/errors';
import { PART_SUFFIX, type DirEntry, type FileAccess } from '../types';
import { isHiddenName, PlaceContainment } from './place-containment';
import { alternativeNames, safeFileName } from './safe-file-name';

/** Most bytes one read() returns (and allocates), whatever the caller asks for. */
export const READ_CHUNK_MAX_BYTES = 1024 * 1024;
/** How many "name (n).ext" alternatives commit() tries before giving up. */
export const MAX_NAME_ALTERNATIVES = 999;
export { PART_SUFFIX };
/** How long the places' real paths are reused before they are read again, in ms. */
const PLACES_CACHE_MS = 1000;
/** Entries stat'ed at once while listing a folder. */
const LIST_STAT_BATCH = 64;

// O_NOFOLLOW does not exist on Windows (Node reports it as undefined there).
const NOFOLLOW = C.O_NOFOLLOW ?? 0;

export interface NodeFileAccessOptions {
  /** The customer's home folder (default: os.homedir()). */
  home?: string;
  /**
   * The system's own list of places (Windows: the known-folder API); default: home and the XDG
   * user folders. Folders that do not exist are left out either way.
   */
  places?: () => { name: string; path: string }[];
  /** Environment for XDG_CONFIG_HOME (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

function fileError(err: unknown, what: string): ProtocolError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new ProtocolError('not_found', `${what}: no such file or folder`);
  if (code === 'EACCES' || code === 'EPERM')
    return new ProtocolError('forbidden', `${what}: permission denied`);
  if (code === 'ELOOP') return new ProtocolError('forbidden', `${what}: refusing to follow a symbolic link`);
  if (code === 'ENOSPC') return new ProtocolError('unavailable', `${what}: the disk is full`);
  return new ProtocolError('internal_error', `${what}: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * Where open() cannot refuse links itself (no O_NOFOLLOW: Windows), refuses a symbolic link or
 * junction already at `file` before it is opened for writing.
 */
async function refuseLink(file: string): Promise<void> {
  if (NOFOLLOW !== 0) return;
  const st = await lstat(file).catch(() => null);
  if (st?.isSymbolicLink())
    throw new ProtocolError('forbidden', 'upload: refusing to follow a symbolic link');
}

/** The path of `name` in `realDir`, refusing anything that would not land directly in it. */
function inside(realDir: string, name: string): string {
  const full = path.join(realDir, name);
  if (path.dirname(full) !== realDir || path.basename(full) !== name) {
    throw new ProtocolError('forbidden', 'file name would leave the target folder');
  }
  return full;
}

/** File modes we create with: read and write, never execute (the umask takes away more). */
const NO_EXECUTE = 0o666;

async function realPathOf(p: string, what: string): Promise<string> {
  try {
    return await realpath(p);
  } catch (err) {
    throw fileError(err, what);
  }
}

/** The opened object is still the one at `real`, and `real` still has no link on its way. */
async function verifyOpened(fh: FileHandle, real: string): Promise<void> {
  const [opened, there, again] = await Promise.all([
    fh.stat(),
    lstat(real).catch(() => null),
    realpath(real).catch(() => null),
  ]);
  if (!there || again !== real || there.ino !== opened.ino || there.dev !== opened.dev) {
    throw new ProtocolError('forbidden', 'the file moved while it was opened; try again');
  }
}

function checkOffset(offset: number, max: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > max) {
    throw new ProtocolError('bad_request', `offset ${offset} is outside the file (0..${max})`);
  }
}

export class NodeFileAccess implements FileAccess {
  private readonly home: string;
  private readonly env: NodeJS.ProcessEnv;
  private cached: { at: number; places: PlaceContainment } | null = null;
  private readonly systemPlaces: (() => { name: string; path: string }[]) | null;

  constructor(options: NodeFileAccessOptions = {}) {
    this.home = options.home ?? homedir();
    this.env = options.env ?? process.env;
    this.systemPlaces = options.places ?? null;
  }

  /**
   * The places' real paths, read again at most every PLACES_CACHE_MS (each read is a file and a
   * few stats; a transfer asks on every open).
   */
  private async containment(): Promise<PlaceContainment> {
    const t = performance.now();
    if (this.cached && t - this.cached.at < PLACES_CACHE_MS) return this.cached.places;
    const places = await PlaceContainment.of(await this.places());
    this.cached = { at: t, places };
    return places;
  }

  /** The real folder `dir` names, refused unless it is a folder inside a place. */
  private async realFolder(dir: string, what: string): Promise<{ real: string; places: PlaceContainment }> {
    const places = await this.containment();
    const real = await realPathOf(dir, what);
    places.require(real);
    const st = await stat(real).catch((err: unknown) => {
      throw fileError(err, what);
    });
    if (!st.isDirectory()) throw new ProtocolError('bad_request', `the ${what} is not a folder`);
    return { real, places };
  }

  async places(): Promise<{ name: string; path: string }[]> {
    const candidates = this.systemPlaces ? this.systemPlaces() : await this.defaultPlaces();
    const out: { name: string; path: string }[] = [];
    for (const c of candidates) {
      const st = await stat(c.path).catch(() => null);
      if (st?.isDirectory() && !out.some((o) => o.path === c.path)) out.push(c);
    }
    return out;
  }

  private async defaultPlaces(): Promise<{ name: string; path: string }[]> {
    const xdg = await this.xdgUserDirs();
    return [
      { name: 'Home', path: this.home },
      { name: 'Desktop', path: xdg.DESKTOP ?? path.join(this.home, 'Desktop') },
      { name: 'Downloads', path: xdg.DOWNLOAD ?? path.join(this.home, 'Downloads') },
      { name: 'Documents', path: xdg.DOCUMENTS ?? path.join(this.home, 'Documents') },
    ];
  }

  async list(dir: string): Promise<DirEntry[]> {
    const { real, places } = await this.realFolder(dir, 'folder');
    const entries = await readdir(real, { withFileTypes: true }).catch((err: unknown) => {
      throw fileError(err, 'folder');
    });
    // Read by real path; the path must still be itself now (no component became a link).
    if ((await realpath(real).catch(() => null)) !== real)
      throw new ProtocolError('forbidden', 'the folder moved while it was read; try again');
    const out: DirEntry[] = [];
    const visible = entries.filter((e) => !isHiddenName(e.name));
    for (let i = 0; i < visible.length; i += LIST_STAT_BATCH) {
      const batch = visible.slice(i, i + LIST_STAT_BATCH);
      const stats = await Promise.all(
        batch.map(async (e) => {
          const full = path.join(real, e.name);
          if (e.isSymbolicLink()) {
            // A link is listed for what it points to, and only when that is inside a place; a
            // dangling one is listed as "other".
            const target = await realpath(full).catch(() => null);
            if (target !== null && !places.contains(target)) return null;
          }
          const st = (await stat(full).catch(() => null)) ?? (await lstat(full).catch(() => null));
          if (!st) return null;
          const kind: DirEntry['kind'] = st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
          return { name: e.name, kind, size: st.isFile() ? st.size : 0, modifiedMs: Math.round(st.mtimeMs) };
        }),
      );
      for (const s of stats) if (s) out.push(s);
    }
    return out.sort(
      (a, b) =>
        Number(b.kind === 'directory') - Number(a.kind === 'directory') || a.name.localeCompare(b.name),
    );
  }

  async freeBytes(dir: string): Promise<number> {
    const { real } = await this.realFolder(dir, 'folder');
    try {
      const s = await statfs(real);
      return s.bavail * s.bsize;
    } catch (err) {
      throw fileError(err, 'folder');
    }
  }

  async openRead(file: string, offset: number, ownPart = false) {
    const places = await this.containment();
    const real = await realPathOf(file, 'file');
    if (ownPart) {
      // Only the helper's own part files, judged by their folder (they are hidden on purpose).
      const base = path.basename(real);
      if (!base.startsWith('.') || !base.endsWith(PART_SUFFIX))
        throw new ProtocolError('forbidden', 'this is not an upload in progress');
      places.require(path.dirname(real));
    } else places.require(real);
    let fh: FileHandle;
    try {
      fh = await open(real, C.O_RDONLY | NOFOLLOW);
    } catch (err) {
      throw fileError(err, 'file');
    }
    try {
      await verifyOpened(fh, real);
    } catch (err) {
      await fh.close();
      throw err;
    }
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new ProtocolError('bad_request', 'only regular files can be downloaded');
    }
    const size = st.size;
    try {
      checkOffset(offset, size);
    } catch (err) {
      await fh.close();
      throw err;
    }
    let position = offset;
    let closed = false;
    return {
      size,
      async read(max: number): Promise<Uint8Array | null> {
        if (closed) throw new ProtocolError('bad_request', 'the file is closed');
        const want = Math.min(
          Math.max(1, Math.floor(max) || 1),
          READ_CHUNK_MAX_BYTES,
          Math.max(0, size - position),
        );
        if (want === 0) return null;
        const buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await fh.read(buf, 0, want, position);
        if (bytesRead === 0) return null; // the file shrank meanwhile
        position += bytesRead;
        return buf.subarray(0, bytesRead);
      },
      async close(): Promise<void> {
        if (closed) return;
        closed = true;
        await fh.close();
      },
    };
  }

  async openWrite(dir: string, name: string, offset: number, partKey?: string) {
    const { real: realDir } = await this.realFolder(dir, 'target folder');
    const safe = safeFileName(name);
    if (partKey !== undefined && !/^[0-9a-z]{1,64}$/u.test(partKey))
      throw new ProtocolError('bad_request', 'invalid part key');
    const tempPath = inside(realDir, `.${safe}${partKey === undefined ? '' : `.${partKey}`}${PART_SUFFIX}`);
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new ProtocolError('bad_request', `offset ${offset} is invalid`);
    let fh: FileHandle;
    try {
      if (offset > 0) {
        const st = await lstat(tempPath);
        if (!st.isFile()) throw new ProtocolError('forbidden', 'the partial upload is not a regular file');
        checkOffset(offset, st.size);
        fh = await open(tempPath, C.O_WRONLY | NOFOLLOW);
        await fh.truncate(offset);
      } else {
        await refuseLink(tempPath);
        fh = await open(tempPath, C.O_WRONLY | C.O_CREAT | C.O_TRUNC | NOFOLLOW, NO_EXECUTE);
      }
    } catch (err) {
      if (err instanceof ProtocolError) throw err;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && offset > 0) {
        throw new ProtocolError('not_found', 'there is no partial upload to resume');
      }
      throw fileError(err, 'upload');
    }
    try {
      await verifyOpened(fh, tempPath);
    } catch (err) {
      await fh.close();
      throw err;
    }
    let position = offset;
    let state: 'open' | 'committed' | 'aborted' | 'suspended' = 'open';
    const ensureOpen = () => {
      if (state !== 'open') throw new ProtocolError('bad_request', `the upload is already ${state}`);
    };
    return {
      tempPath,
      async write(chunk: Uint8Array): Promise<void> {
        ensureOpen();
        let done = 0;
        while (done < chunk.length) {
          const { bytesWritten } = await fh
            .write(chunk, done, chunk.length - done, position + done)
            .catch((err: unknown) => {
              throw fileError(err, 'upload');
            });
          done += bytesWritten;
        }
        position += done;
      },
      async commit(): Promise<string> {
        ensureOpen();
        state = 'committed';
        // Never executable, whatever the umask or a resumed temporary file says.
        const { mode } = await fh.stat();
        if ((mode & 0o111) !== 0) await fh.chmod(mode & NO_EXECUTE);
        await fh.sync();
        await fh.close();
        for (const candidate of alternativeNames(safe, MAX_NAME_ALTERNATIVES)) {
          const finalPath = inside(realDir, candidate);
          try {
            // Claim the name atomically: fails if anything (file, folder, symlink) has it.
            const claim = await open(finalPath, C.O_WRONLY | C.O_CREAT | C.O_EXCL | NOFOLLOW, NO_EXECUTE);
            await claim.close();
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
            throw fileError(err, 'saving the file');
          }
          try {
            await rename(tempPath, finalPath);
          } catch (err) {
            await unlink(finalPath).catch(() => undefined); // give the claimed name back
            throw fileError(err, 'saving the file');
          }
          return finalPath;
        }
        throw new ProtocolError('unavailable', `too many files named like "${safe}" in the folder`);
      },
      async suspend(): Promise<void> {
        if (state !== 'open') return;
        state = 'suspended';
        await fh.close();
      },
      async abort(): Promise<void> {
        if (state === 'committed' || state === 'aborted') return;
        const wasOpen = state === 'open';
        state = 'aborted';
        if (wasOpen) await fh.close().catch(() => undefined);
        await unlink(tempPath).catch(() => undefined);
      },
    };
  }

  /** XDG user folders (they have local names, e.g. "Bureau"), from ~/.config/user-dirs.dirs. */
  private async xdgUserDirs(): Promise<Record<string, string>> {
    const configHome = this.env.XDG_CONFIG_HOME || path.join(this.home, '.config');
    const text = await readFile(path.join(configHome, 'user-dirs.dirs'), 'utf8').catch(() => '');
    const out: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const m = /^XDG_([A-Z]+)_DIR="([^"]*)"\s*$/u.exec(line.trim());
      if (!m) continue;
      const value = m[2]!.replace(/^\$HOME(?=\/|$)/u, this.home);
      if (path.isAbsolute(value)) out[m[1]!] = value;
    }
    return out;
  }
}
