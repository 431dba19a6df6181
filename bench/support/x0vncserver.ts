/**
 * TigerVNC's scraping server, the benchmarks' baseline, on an X display. Debian's `x0vncserver`
 * is a Perl wrapper that daemonizes; the server binary itself is X0tigervnc, run in the
 * foreground so its PID (and CPU time) is ours. No authentication, loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitPort } from './loopback-port';

export interface X0vncServer {
  process: ChildProcess;
  /** The RFB port on 127.0.0.1. */
  port: number;
}

/** Starts the server and waits until it listens; the caller stops `process` (SIGTERM). */
export async function startX0vncserver(display: string): Promise<X0vncServer> {
  const port = await freePort();
  const vnc = spawn(
    'X0tigervnc',
    ['-display', display, '-rfbport', String(port), '-SecurityTypes', 'None', '-localhost=1'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    await waitPort(port);
  } catch (err) {
    vnc.kill('SIGTERM');
    throw err;
  }
  return { process: vnc, port };
}
