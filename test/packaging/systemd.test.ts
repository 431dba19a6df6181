/**
 * The systemd units in packaging/systemd/ (docs/deployment.md "Run it as a service"):
 * - `systemd-analyze verify` passes them (and fails a broken copy, so the check can fail);
 * - the service's command line, taken from the unit and run as systemd would run it (its working
 *   directory, environment and options, the checkout and data folder in temporary places), serves,
 *   writes lifeline.pid, stops cleanly on the unit's KillSignal within TimeoutStopSec (exit 0, so
 *   `systemctl stop` and `restart` see a clean stop), and starts again on the same data;
 * - the backup unit's command line makes a backup of that data.
 * systemd itself starting, restarting and stopping the service (User=, sandboxing) is
 * test/e2e/deploy/systemd-service.test.ts (a real systemd as PID 1 of private namespaces).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../server/store/sqlite/open-database';
import { PID_FILE } from '../../server/store/sqlite/server-pid';

const ROOT = resolve(import.meta.dirname, '../..');
const UNITS = join(ROOT, 'packaging/systemd');
const UNIT_FILES = ['lifeline.service', 'lifeline-backup.service', 'lifeline-backup.timer'];
const work = mkdtempSync(join(tmpdir(), 'lifeline-systemd-'));
const dataDir = join(work, 'var-lib-lifeline');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `Key=value` lines of a unit's [Service] section (later lines win, as in systemd; lists kept). */
function serviceSection(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let inService = false;
  for (const line of readFileSync(join(UNITS, file), 'utf8').split('\n')) {
    if (/^\[.*\]$/.test(line)) inService = line === '[Service]';
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (inService && m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

/** The unit's paths moved to this test's folders. */
function relocate(text: string): string {
  return text.replaceAll('/opt/lifeline', ROOT).replaceAll('/var/lib/lifeline', dataDir);
}

function verify(dir: string) {
  return spawnSync('systemd-analyze', ['verify', ...UNIT_FILES.map((f) => join(dir, f))], {
    encoding: 'utf8',
  });
}

describe('systemd units', () => {
  it('pass systemd-analyze verify, and a broken copy does not', () => {
    const ok = verify(UNITS);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr.trim()).toBe('');
    const broken = join(work, 'broken');
    cpSync(UNITS, broken, { recursive: true });
    const unit = join(broken, 'lifeline.service');
    writeFileSync(unit, readFileSync(unit, 'utf8').replace('/usr/bin/node', '/usr/bin/no-such-node'));
    expect(verify(broken).status).not.toBe(0);
  });

  it('the service command serves, stops cleanly on its KillSignal, and starts again on the same data', async () => {
    const unit = serviceSection('lifeline.service');
    expect(unit.get('KillSignal')).toEqual(['SIGTERM']);
    const stopWithinMs = Number(unit.get('TimeoutStopSec')?.[0]) * 1000;
    const [node, ...args] = relocate(unit.get('ExecStart')![0]!)
      .replace('$LIFELINE_OPTIONS', '--host 127.0.0.1 --port 0')
      .split(/\s+/);
    const env = Object.fromEntries(unit.get('Environment')!.map((e) => e.split('=', 2) as [string, string]));
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const start = () => startService(node!, args, relocate(unit.get('WorkingDirectory')![0]!), env);

    const first = await start();
    expect(readFileSync(join(dataDir, PID_FILE), 'utf8').trim()).toBe(String(first.child.pid));
    expect((await fetch(`${first.url}/status`)).status).toBe(200);
    expect(await stop(first.child, stopWithinMs)).toBe(0);
    expect(existsSync(join(dataDir, PID_FILE))).toBe(false);

    const second = await start();
    expect((await fetch(`${second.url}/status`)).status).toBe(200);
    expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(true);

    // The backup unit's command, while the service runs.
    const backup = serviceSection('lifeline-backup.service');
    const line = relocate(backup.get('ExecStart')![0]!)
      .replace(/^\/bin\/sh -c '(.*)'$/, '$1')
      .replaceAll('%%', '%');
    mkdirSync(join(dataDir, 'backups'));
    const r = spawnSync('/bin/sh', ['-c', line], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(dataDir, 'backups'))).toEqual([
      expect.stringMatching(/^lifeline-\d{8}-\d{6}\.sqlite$/),
    ]);
    expect(await stop(second.child, stopWithinMs)).toBe(0);
  }, 90_000);
});

async function startService(
  node: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(node, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start:\n${err}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /Lifeline is serving on (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, url: m[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code}:\n${err}`)));
  });
}

function stop(child: ChildProcess, withinMs: number): Promise<number | null> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no clean stop within ${withinMs} ms`)), withinMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise(code);
    });
    child.kill('SIGTERM');
  });
}
