/**
 * A real `lifeline serve` in its own process, for the attacks whose effect is on the server's
 * process (its resident memory, its answer time): the test measures that process, not itself.
 * `readRssBytes` reads VmRSS from /proc (Linux; the suites run on Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store';
import { makeDataDir } from '../support/test-server';

const BIN = 'bin/lifeline.mjs';

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Adds a portal to the data folder before the server starts (the store the server will open). */
export async function addPortalTo(dataDir: string, slug: string): Promise<void> {
  const store = openSqliteStore(dataDir);
  await store.portals.insert({ slug, name: slug, createdAt: Date.now() });
  await store.close();
}

/**
 * Starts `lifeline serve` on 127.0.0.1 and a free port (or `port`: a node a balancer's
 * configuration names, restarted on the same port); `prepare` fills the data folder first.
 */
export async function startServeProcess(
  extraArgs: string[] = [],
  prepare?: (dataDir: string) => Promise<void>,
  port = 0,
): Promise<ServeProcess> {
  const dataDir = makeDataDir();
  await prepare?.(dataDir);
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--quiet', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start; stderr: ${stderr}`)), 30_000);
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      // With --public-url the line names the public address: the local one is the port asked.
      const m = /Lifeline is serving on (https?:\/\/[^\s]+)/.exec(stderr);
      const local = /^http:\/\/127\.0\.0\.1:\d+$/.exec(m?.[1] ?? '');
      if (m && (local || port)) {
        clearTimeout(timer);
        resolve(local ? m[1]! : `http://127.0.0.1:${port}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code}; stderr: ${stderr}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    url,
    port: Number(new URL(url).port),
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** Resident memory of a process, in bytes (VmRSS). */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
