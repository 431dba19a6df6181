/** Runs the real `lifeline` command in its own process (~0.6 s each) and collects its output. */
import { spawn } from 'node:child_process';

export const LIFELINE_BIN = 'bin/lifeline.mjs';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runLifeline(
  args: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LIFELINE_BIN, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
