/**
 * Starts a real Redis 7 (Debian's `redis-server`) for a test or benchmark: 127.0.0.1 on a free
 * port, nothing saved to disk, stopped by its PID. (The Debian package may also run a system
 * instance on 6379; tests never use it.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/** How long redis-server may take to answer, in ms. */
const REDIS_START_MS = 20_000;

export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const proc = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const ready = await waitReady(proc);
    if (ready === 'ready') {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        pid: proc.pid!,
        async stop() {
          if (proc.exitCode === null) {
            const exited = new Promise((r) => proc.once('exit', r));
            proc.kill('SIGKILL');
            await exited;
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    proc.kill('SIGKILL');
    if (attempt >= 2) throw new Error(`redis-server did not start: ${ready}`);
  }
}

function waitReady(proc: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const timer = setTimeout(
      () => resolve(`no answer in ${REDIS_START_MS} ms: ${out.slice(-300)}`),
      REDIS_START_MS,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve('ready');
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`exited ${code}: ${out.slice(-300)}`);
    });
  });
}
