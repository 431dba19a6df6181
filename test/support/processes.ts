/**
 * Real processes in end-to-end tests: watch a child's output for a line, wait for its exit, find
 * the process a wrapper started (the helper `script` runs on a pty), and kill by pid only (never
 * by name: other engineers' processes run beside ours).
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { wait } from './polling';

export interface Watched {
  text(): string;
  /** Resolves once `needle` appears in the output (from `from` on). */
  until(needle: string | RegExp, timeoutMs?: number, from?: number): Promise<void>;
}

/** Collects a child's stdout and stderr. */
export function watch(child: ChildProcess): Watched {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  return {
    text: () => out,
    async until(needle, timeoutMs = 15_000, from = 0) {
      const end = Date.now() + timeoutMs;
      const has = () => {
        const t = out.slice(from);
        return typeof needle === 'string' ? t.includes(needle) : needle.test(t);
      };
      while (!has()) {
        if (Date.now() > end)
          throw new Error(`timed out waiting for ${String(needle)}; output:\n${out.slice(-3000)}`);
        await wait(30);
      }
    },
  };
}

/** Resolves with the exit code (null when killed by a signal). */
export function exited(child: ChildProcess, timeoutMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} did not exit`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Pids of every descendant of `pid` (from /proc), children first. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/** The descendant of `pid` whose command line contains `needle` (e.g. the helper under `script`). */
export async function findDescendant(pid: number, needle: string, timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const d of descendants(pid)) {
      try {
        if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) return d;
      } catch {
        // gone meanwhile
      }
    }
    if (Date.now() > end) throw new Error(`no process under ${pid} runs ${needle}`);
    await wait(50);
  }
}

/** Whether a process with this pid runs (and is not a zombie). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILL to one pid, then waits until it is gone. */
export async function killNine(pid: number, timeoutMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const end = Date.now() + timeoutMs;
  while (running(pid)) {
    if (Date.now() > end) throw new Error(`process ${pid} survived SIGKILL`);
    await wait(20);
  }
}

/** How many times each repeated test runs: LIFELINE_SOAK (the soak), else 1 (what `npm test` runs). */
export function soakRounds(): number {
  const n = Number(process.env.LIFELINE_SOAK ?? '1');
  return Number.isInteger(n) && n >= 1 ? n : 1;
}
