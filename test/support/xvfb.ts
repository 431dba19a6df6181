/**
 * Starts a real X server (Xvfb) on a free display for a test or benchmark, and stops it by PID.
 * A display is free when neither its lock file nor its socket exists; we claim it by starting
 * Xvfb with -nolisten tcp and waiting for the socket to appear. Extensions the helper needs
 * (MIT-SHM, DAMAGE, XTEST) are on by default in Debian's Xvfb.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface XDisplay {
  /** e.g. ":57" */
  display: string;
  width: number;
  height: number;
  pid: number;
  /** Environment for child processes that should draw on this display. */
  env: NodeJS.ProcessEnv;
  /** Starts an X client (xterm, xdotool, ...) on this display; stopped by stop() if still running. */
  spawnClient(cmd: string, args: string[], extraEnv?: NodeJS.ProcessEnv): ChildProcess;
  /** Runs an X client to completion and returns its stdout (throws on non-zero exit). */
  run(cmd: string, args: string[]): string;
  stop(): Promise<void>;
}

/** How long Xvfb may take to create its socket, in ms. */
const XVFB_START_TIMEOUT_MS = 10_000;

function displayIsFree(n: number): boolean {
  return !existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`);
}

export async function startXvfb(
  options: { width?: number; height?: number; depth?: number } = {},
): Promise<XDisplay> {
  const width = options.width ?? 1920;
  const height = options.height ?? 1080;
  const depth = options.depth ?? 24;
  // Start from a pseudo-random display so parallel test files rarely race for the same number.
  const start = 100 + ((process.pid * 7) % 400);
  for (let i = 0; i < 400; i++) {
    const n = 100 + ((start - 100 + i) % 400);
    if (!displayIsFree(n)) continue;
    const proc = spawn(
      'Xvfb',
      [`:${n}`, '-screen', '0', `${width}x${height}x${depth}`, '-nolisten', 'tcp', '-noreset'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const ok = await waitForSocket(n, proc);
    if (!ok) {
      proc.kill('SIGKILL');
      if (/already active|Server is already/.test(stderr)) continue;
      throw new Error(`Xvfb :${n} did not start: ${stderr.slice(-500)}`);
    }
    return makeDisplay(n, width, height, proc);
  }
  throw new Error('no free X display between :100 and :499');
}

async function waitForSocket(n: number, proc: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + XVFB_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) return false;
    if (existsSync(`/tmp/.X11-unix/X${n}`)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function makeDisplay(n: number, width: number, height: number, proc: ChildProcess): XDisplay {
  const display = `:${n}`;
  const env = { ...process.env, DISPLAY: display };
  const clients: ChildProcess[] = [];
  return {
    display,
    width,
    height,
    pid: proc.pid!,
    env,
    spawnClient(cmd, args, extraEnv = {}) {
      const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
      clients.push(child);
      return child;
    },
    run(cmd, args) {
      const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 20_000 });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
      return r.stdout;
    },
    async stop() {
      for (const c of clients) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      }
    },
  };
}
