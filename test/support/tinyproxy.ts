/**
 * A real HTTP proxy for the tests (Debian's tinyproxy), started on a free loopback port in the
 * foreground with a config of its own (listen and allow 127.0.0.1 only, every CONNECT port
 * allowed, optional Basic credentials, a log file the test reads to see what went through it),
 * and stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitPort } from '../../bench/support/loopback-port';

export interface Tinyproxy {
  url: string;
  port: number;
  /** The CONNECT tunnels the proxy opened so far ("127.0.0.1:8200"). */
  connects(): string[];
  stop(): Promise<void>;
}

export async function startTinyproxy(options: { user?: string; password?: string } = {}): Promise<Tinyproxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-proxy-'));
  const port = await freePort();
  const log = path.join(dir, 'tinyproxy.log');
  const conf = path.join(dir, 'tinyproxy.conf');
  writeFileSync(
    conf,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      `LogFile "${log}"`,
      'LogLevel Connect',
      'MaxClients 50',
      'Allow 127.0.0.1',
      ...(options.user ? [`BasicAuth ${options.user} ${options.password ?? ''}`] : []),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitPort(port);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`tinyproxy did not start: ${stderr.slice(-500)} (${String(err)})`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects() {
      let text = '';
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        return [];
      }
      return [...text.matchAll(/Request \(file descriptor \d+\): CONNECT (\S+)/g)].map((m) => m[1]!);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
