/**
 * A shared-memory provider for the `x11` package's MIT-SHM extension (its `createClient({ shm })`
 * seam) that maps each segment into the helper's memory, so a captured frame is read where the X
 * server wrote it instead of being copied out with one `pread` per capture (the package's built-in
 * provider: 1.75 s of a 2.85 s profile of the helper over the xterm benchmark).
 *
 * A segment is an unlinked /dev/shm file, as with the built-in provider (the server gets its
 * descriptor through MIT-SHM AttachFd), with its pages reserved up front (posix_fallocate: a full
 * /dev/shm then fails here, with a reason, instead of killing the X server or us with SIGBUS on
 * first write) and mapped once, shared, through libc's mmap called with koffi (already the FFI of
 * the Windows helper). `seg.buffer` aliases the mapping: nothing to commit, nothing to sync.
 *
 * Frames handed out alias the mapping, so a buffer may still be referenced after the segment is
 * destroyed. destroy() therefore never leaves a hole a stale read would crash on: it maps fresh
 * zero pages over the segment's range (MAP_FIXED replaces the shared mapping at once: the file's
 * pages are released, /proc/self/maps no longer lists it) and gives the address range back
 * (munmap) when the last view of it is garbage collected.
 *
 * loadMappedShmProvider() returns the provider, or why it cannot work here (koffi has no binary
 * for this system, no libc, no /dev/shm); the caller then keeps the copying provider and logs why.
 */
import type * as KoffiModule from 'koffi';
import {
  closeSync,
  constants as fsConstants,
  ftruncateSync,
  openSync,
  unlinkSync,
  accessSync,
} from 'node:fs';

type Koffi = typeof KoffiModule;
type Pointer = unknown;

const SHM_DIR = '/dev/shm';
/** Segment files are private to the helper's user until unlinked (right after creation). */
const SEGMENT_FILE_MODE = 0o600;
/** Linux x86-64 / arm64 values (the only Linux targets the helper is built for). */
const PROT_READ = 0x1;
const PROT_WRITE = 0x2;
const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
/** mmap's MAP_FAILED, ((void *) -1), as koffi reports the address. */
const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

/** What x11's MIT-SHM extension reads from a segment ('fd' flavor). */
export interface MappedSegment {
  size: number;
  fd: number | null;
  buffer: Buffer;
  /** The file's name before it was unlinked: how /proc/self/maps names the mapping. */
  readonly name: string;
}

/** The provider contract of x11's lib/shm-provider.js (flavor 'fd', zero copy). */
export interface MappedShmProvider {
  readonly flavor: 'fd';
  readonly zeroCopy: true;
  create(size: number): MappedSegment;
  commit(seg: MappedSegment, offset?: number, length?: number): void;
  sync(seg: MappedSegment, offset?: number, length?: number): void;
  destroy(seg: MappedSegment): void;
  /** Destroys every segment still mapped (the X connection is gone: no Detach will come back). */
  destroyAll(): void;
  /** Segments created and not yet destroyed. */
  readonly live: number;
}

interface Libc {
  mmap(addr: Pointer, length: number, prot: number, flags: number, fd: number, offset: number): Pointer;
  munmap(addr: Pointer, length: number): number;
  posixFallocate(fd: number, offset: number, length: number): number;
  strerror(code: number): string;
}

let counter = 0;

function bindLibc(koffi: Koffi): Libc {
  const libc = koffi.load('libc.so.6');
  const mmap = libc.func(
    'void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)',
  );
  const munmap = libc.func('int munmap(void *addr, size_t length)');
  const fallocate = libc.func('int posix_fallocate(int fd, int64_t offset, int64_t length)');
  const strerror = libc.func('const char *strerror(int errnum)');
  return {
    mmap: (addr, length, prot, flags, fd, offset) => mmap(addr, length, prot, flags, fd, offset),
    munmap: (addr, length) => munmap(addr, length) as number,
    posixFallocate: (fd, offset, length) => fallocate(fd, offset, length) as number,
    strerror: (code) => String(strerror(code)),
  };
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

type Bindings = { koffi: Koffi; libc: Libc } | { reason: string };

/** koffi and libc, loaded once per process (~80-120 ms on a loaded machine: warmed early). */
let defaultBindings: Promise<Bindings> | null = null;

/**
 * Starts loading koffi and libc now, so the first screen capture after consent does not wait for
 * it (the Linux platform calls this when it is created, at join).
 */
export function preloadMappedShm(): void {
  defaultBindings ??= bind(() => import('koffi'));
}

/** A new mapping provider, or the reason it cannot be used on this system. */
export async function loadMappedShmProvider(
  importKoffi?: () => Promise<unknown>,
): Promise<{ provider: MappedShmProvider } | { reason: string }> {
  if (process.platform !== 'linux') return { reason: `mapping needs Linux (this is ${process.platform})` };
  try {
    accessSync(SHM_DIR, fsConstants.W_OK);
  } catch {
    return { reason: `${SHM_DIR} is not writable` };
  }
  let bindings: Bindings;
  if (importKoffi) bindings = await bind(importKoffi);
  else {
    preloadMappedShm();
    bindings = await defaultBindings!;
  }
  if ('reason' in bindings) return bindings;
  return { provider: createProvider(bindings.koffi, bindings.libc) };
}

async function bind(importKoffi: () => Promise<unknown>): Promise<Bindings> {
  let koffi: Koffi;
  try {
    const imported = (await importKoffi()) as { default?: Koffi } | null;
    const loaded = imported?.default ?? (imported as Koffi | null);
    if (!loaded || typeof loaded.load !== 'function') throw new Error('the module has no load()');
    koffi = loaded;
  } catch (err) {
    return { reason: `koffi (the FFI) cannot be loaded here: ${reasonOf(err)}` };
  }
  try {
    return { koffi, libc: bindLibc(koffi) };
  } catch (err) {
    return { reason: `libc's mmap cannot be called through koffi: ${reasonOf(err)}` };
  }
}

function createProvider(koffi: Koffi, libc: Libc): MappedShmProvider {
  const failed = (p: Pointer) => p === null || koffi.address(p) === MAP_FAILED;
  /** Gives a destroyed segment's address range back once no view of it is reachable. */
  const ranges = new FinalizationRegistry<{ addr: Pointer; size: number }>(({ addr, size }) => {
    libc.munmap(addr, size);
  });
  const mapped = new Map<MappedSegment, Pointer>();

  const provider: MappedShmProvider = {
    flavor: 'fd',
    zeroCopy: true,
    get live() {
      return mapped.size;
    },

    create(size: number): MappedSegment {
      if (!Number.isSafeInteger(size) || size <= 0) throw new Error(`segment size ${size} is not valid`);
      const name = `${SHM_DIR}/lifeline-x11-shm-${process.pid}-${counter++}`;
      const fd = openSync(name, 'wx+', SEGMENT_FILE_MODE);
      let addr: Pointer = null;
      try {
        unlinkSync(name);
        ftruncateSync(fd, size);
        const code = libc.posixFallocate(fd, 0, size);
        if (code !== 0) throw new Error(`cannot reserve ${size} bytes in ${SHM_DIR}: ${libc.strerror(code)}`);
        addr = libc.mmap(null, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (failed(addr)) {
          addr = null;
          throw new Error(`mmap of ${size} bytes failed: ${libc.strerror(koffi.errno())}`);
        }
        const view = koffi.view(addr, size);
        const seg: MappedSegment = { size, fd, buffer: Buffer.from(view), name };
        ranges.register(view, { addr, size });
        mapped.set(seg, addr);
        return seg;
      } catch (err) {
        if (addr !== null) libc.munmap(addr, size);
        closeSync(fd);
        throw err;
      }
    },

    // The buffer is the server's memory: there is nothing to move either way.
    commit() {},
    sync() {},

    destroy(seg: MappedSegment): void {
      const addr = mapped.get(seg);
      if (addr === undefined) return;
      mapped.delete(seg);
      // Zero pages over the same range, atomically: the segment's pages go now, and a frame
      // someone still holds reads zeros instead of faulting.
      const zero = libc.mmap(addr, seg.size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
      if (failed(zero)) libc.munmap(addr, seg.size); // cannot happen on a range we own; never leave the file mapped
      if (seg.fd !== null) {
        closeSync(seg.fd);
        seg.fd = null;
      }
    },

    destroyAll(): void {
      for (const seg of [...mapped.keys()]) provider.destroy(seg);
    },
  };
  return provider;
}
