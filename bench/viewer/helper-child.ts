/**
 * The customer's helper for the viewer benchmark, in its own process as on a real customer's
 * machine: the real session client (host/session) joins the server with the join code, consents
 * to everything on the benchmark's behalf, and streams $DISPLAY to the viewer. Prints "ready"
 * on stdout once a viewer has agreed keys with it.
 */
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SessionClient } from '../../host/session/session-client';

const display = process.env.DISPLAY;
const server = process.env.BENCH_SERVER;
const joinCode = process.env.BENCH_JOIN_CODE;
if (!display || !server || !joinCode)
  throw new Error('DISPLAY, BENCH_SERVER and BENCH_JOIN_CODE are required');

const state = mkdtempSync(join(os.tmpdir(), 'lifeline-bench-helper-'));
const client = new SessionClient({
  version: 'bench',
  system: { platform: 'linux', release: os.release(), arch: process.arch, env: { DISPLAY: display } },
  stateFile: join(state, 'resume.json'),
  log: () => undefined,
});
client.onEvent((e) => {
  if (e.type === 'host.consent_needed') {
    void client.consent({ view: true, control: true, clipboard: true, files: false, reboot: false });
  }
});
client.onNotice((n) => {
  if (n.type === 'viewer.ready') process.stdout.write('ready\n');
});
await client.join({ server, joinCode });
process.on('SIGTERM', () => {
  void client.close().finally(() => {
    rmSync(state, { recursive: true, force: true });
    process.exit(0);
  });
});
