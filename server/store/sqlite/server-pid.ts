/**
 * lifeline.pid in the data folder: the process id of the `lifeline serve` using that folder,
 * written when it starts and removed when it stops. `lifeline restore` reads it to refuse
 * replacing a database under a running server. A file left by a server that died is recognised
 * (no such process) and ignored.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PID_FILE = 'lifeline.pid';

export function writeServerPid(dataDir: string, pid: number = process.pid): void {
  writeFileSync(join(dataDir, PID_FILE), `${pid}\n`, { mode: 0o644 });
}

export function removeServerPid(dataDir: string, pid: number = process.pid): void {
  if (readPid(dataDir) === pid) rmSync(join(dataDir, PID_FILE), { force: true });
}

function readPid(dataDir: string): number | null {
  try {
    const text = readFileSync(join(dataDir, PID_FILE), 'utf8').trim();
    return /^\d{1,10}$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user (the service account).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live server on this data folder, or null. */
export function runningServerPid(dataDir: string): number | null {
  const pid = readPid(dataDir);
  return pid !== null && pid !== process.pid && alive(pid) ? pid : null;
}
