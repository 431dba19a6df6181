/**
 * A real `lifeline serve` in its own process, for the attacks whose effect is on the server's
 * process (its resident memory, its answer time): the test measures that process, not itself.
 * `readRssBytes` reads VmRSS from /proc (Linux; the suites run on Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
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

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Runs `lifeline <args> --data DIR` to completion (portal add, ...); throws on a non-zero exit. */
export async function lifelineAdmin(dataDir: string, args: string[]): Promise<void> {
  const r = await run([...args, '--data', dataDir]);
  if (r.code !== 0) throw new Error(`lifeline ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
}

/** Starts `lifeline serve` on 127.0.0.1 and a free port; `prepare` runs admin commands first. */
export async function startServeProcess(
  extraArgs: string[] = [],
  prepare?: (dataDir: string) => Promise<void>,
): Promise<ServeProcess> {
  const dataDir = makeDataDir();
  await prepare?.(dataDir);
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--quiet', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start; stderr: ${stderr}`)), 30_000);
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /Lifeline is serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
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
