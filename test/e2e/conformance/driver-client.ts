/**
 * Starts the conformance driver (platform-driver.ts) for one backend and talks to it: X11 as
 * Node on Linux, Windows as the pinned node.exe under Wine. The driver connects back to a TCP
 * port here; each request is one JSON line answered by one line with the same id.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import type { PixelBuffer } from '../../../host/platform/types';

const ROOT = path.resolve(import.meta.dirname, '../../..');
/** How long the driver may take to start and connect (node.exe under Wine on a loaded machine), in ms. */
const CONNECT_TIMEOUT_MS = 90_000;
/** How long one request may take (a GDI capture under Wine is ~0.3-1 s), in ms. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface Driver {
  call<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>;
  /** `masked`: through the drawing overlay's mask, as the helper streams the screen. */
  capture(
    rect?: { x: number; y: number; width: number; height: number },
    options?: { masked?: boolean },
  ): Promise<PixelBuffer & { ms: number }>;
  close(): Promise<void>;
}

/** Bundles the driver for Linux Node (koffi stays out: the X11 backend never loads it). */
export async function bundleLinuxDriver(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.join(ROOT, 'test/e2e/conformance/platform-driver.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', '@julusian/jpeg-turbo', 'koffi'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'error',
  });
}

/**
 * Listens, lets `launch(port)` start the driver, and resolves once it connected. `captureFile` is
 * the Linux path of the file the driver writes captures to.
 */
export async function connectDriver(
  launch: (port: number) => ChildProcess,
  captureFile: string,
  diagnostics: () => string,
): Promise<Driver> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const child = launch(port);
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the driver did not connect in ${CONNECT_TIMEOUT_MS} ms:\n${diagnostics()}`)),
      CONNECT_TIMEOUT_MS,
    );
    server.once('connection', (s) => {
      clearTimeout(timer);
      resolve(s);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the driver exited (${code}) before connecting:\n${diagnostics()}`));
    });
  });
  server.close();
  let next = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  createInterface({ input: socket }).on('line', (line) => {
    const msg = JSON.parse(line) as { id: number; result?: unknown; error?: string };
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error !== undefined) p?.reject(new Error(msg.error));
    else p?.resolve(msg.result);
  });
  socket.on('close', () => {
    for (const p of pending.values()) p.reject(new Error(`the driver went away:\n${diagnostics()}`));
    pending.clear();
  });
  const call = <T>(op: string, args: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${op}: no answer in ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      socket.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  return {
    call,
    async capture(rect, options) {
      const info = await call<{ width: number; height: number; stride: number; ms: number }>('capture', {
        ...(rect ? { rect } : {}),
        ...(options?.masked ? { masked: true } : {}),
      });
      return { ...info, data: new Uint8Array(readFileSync(captureFile)) };
    },
    async close() {
      socket.end();
      await new Promise((r) => {
        if (child.exitCode !== null) return r(null);
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(null);
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          r(null);
        });
      });
    },
  };
}
