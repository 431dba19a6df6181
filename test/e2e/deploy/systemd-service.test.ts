/**
 * The packaged unit (packaging/systemd/lifeline.service) run by a real systemd, without changing the
 * machine: this machine's PID 1 is not systemd, so the suite starts Debian's /lib/systemd/systemd
 * as PID 1 of private PID, mount, network, UTS, IPC and cgroup namespaces (private-systemd.ts):
 * its own /run, /tmp and /var/lib, a unit folder with only the basic targets (no generators, no
 * /etc/init.d: nothing of the machine's services starts), the checkout at /opt/lifeline and a
 * `lifeline` user in private copies of /etc/passwd and /etc/group.
 *
 * Installed as docs/deployment.md says (unit in /etc/systemd/system, options in
 * /etc/default/lifeline, `systemctl enable --now lifeline`), then checked:
 * - it starts, as the lifeline user, sandboxed (no new privileges, its own mount namespace with
 *   the system read-only but its data folder), and /api/v1/status answers; the StateDirectory
 *   /var/lib/lifeline is made 0700 for that user and holds the database;
 * - killed with SIGKILL (a crash), systemd starts it again (Restart=on-failure) and it answers;
 * - `systemctl stop` is a clean stop (Result=success: SIGTERM, exit 0 within TimeoutStopSec), and
 *   `systemctl start` serves the same data again.
 * Needs root (namespaces); as another user the suite fails and says so.
 */
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../server/store/sqlite/open-database';
import { until } from '../extension/harness';
import { isRoot } from './private-mounts';
import { startPrivateSystemd, type PrivateSystemd } from './private-systemd';

/** The port /etc/default/lifeline sets (the namespace has its own network: no clash possible). */
const PORT = 8200;
/** systemd's RestartSec=2 plus a server start (tsx) on a loaded machine, in ms. */
const BACK_MS = 60_000;

let systemd: PrivateSystemd;

beforeAll(async () => {
  if (!isRoot()) throw new Error('the systemd suite needs root: it runs systemd in private namespaces');
  systemd = await startPrivateSystemd({
    defaults: { lifeline: `LIFELINE_OPTIONS=--host 127.0.0.1 --port ${PORT}\n` },
  });
}, 120_000);
afterAll(async () => {
  await systemd?.stop();
});

interface UnitState {
  ActiveState: string;
  SubState: string;
  Result: string;
  MainPID: number;
  NRestarts: number;
}

function unitState(): UnitState {
  const out = systemd.run('systemctl', [
    'show',
    'lifeline',
    '-p',
    'ActiveState',
    '-p',
    'SubState',
    '-p',
    'Result',
    '-p',
    'MainPID',
    '-p',
    'NRestarts',
  ]);
  const v = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.split(/=(.*)/s).slice(0, 2)),
  );
  return {
    ActiveState: v.ActiveState,
    SubState: v.SubState,
    Result: v.Result,
    MainPID: Number(v.MainPID),
    NRestarts: Number(v.NRestarts),
  };
}

/** GET /api/v1/status from inside the namespace's network (the server listens there only). */
function status(): { status: string; uptimeSeconds: number } | undefined {
  const script = `fetch('http://127.0.0.1:${PORT}/api/v1/status').then(async (r) => console.log(r.status === 200 ? await r.text() : ''), () => console.log(''))`;
  const out = systemd.run(process.execPath, ['-e', script]).trim();
  return out ? (JSON.parse(out) as { status: string; uptimeSeconds: number }) : undefined;
}

const answers = () => until(async () => status(), BACK_MS, '/api/v1/status to answer', 500);

describe('lifeline.service under a real systemd', () => {
  let firstPid: number;

  it('starts on `systemctl enable --now`, as the lifeline user, and /api/v1/status answers', async () => {
    systemd.installUnit('lifeline.service');
    systemd.run('systemctl', ['daemon-reload']);
    systemd.run('systemctl', ['enable', '--now', 'lifeline']);
    expect((await answers()).status).toBe('ok');
    const state = unitState();
    expect(state).toMatchObject({ ActiveState: 'active', SubState: 'running', NRestarts: 0 });
    firstPid = state.MainPID;
    const proc = `/proc/${systemd.hostPid(firstPid)}`;
    expect(statSync(proc).uid).toBe(systemd.lifelineUid);
    // The unit's sandbox in force: no new privileges, and a mount namespace of its own where the
    // system is read-only (ProtectSystem=strict) but for its data folder.
    expect(readFileSync(`${proc}/status`, 'utf8')).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(readlinkSync(`${proc}/ns/mnt`)).not.toBe(readlinkSync(`/proc/${systemd.pid1}/ns/mnt`));
    const mounts = readFileSync(`${proc}/mountinfo`, 'utf8')
      .split('\n')
      .map((l) => l.split(' '));
    const options = (point: string) => mounts.findLast((m) => m[4] === point)?.[5]?.split(',');
    expect(options('/')).toContain('ro');
    expect(options('/var/lib/lifeline')).toContain('rw');
    const data = systemd.hostPath('/var/lib/lifeline');
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(data).uid).toBe(systemd.lifelineUid);
    expect(existsSync(join(data, DATABASE_FILE))).toBe(true);
    expect(systemd.run('systemctl', ['is-enabled', 'lifeline']).trim()).toBe('enabled');
  });

  it('is started again by systemd after kill -9 (Restart=on-failure) and answers', async () => {
    process.kill(systemd.hostPid(firstPid), 'SIGKILL');
    const again = await until(
      async () => {
        const s = unitState();
        return s.NRestarts === 1 && s.ActiveState === 'active' && s.MainPID !== firstPid ? s : undefined;
      },
      BACK_MS,
      'systemd to restart the killed server',
      500,
    );
    expect(again.SubState).toBe('running');
    expect((await answers()).status).toBe('ok');
  });

  it('stops cleanly on `systemctl stop` and serves the same data after `systemctl start`', async () => {
    const database = join(systemd.hostPath('/var/lib/lifeline'), DATABASE_FILE);
    const inode = statSync(database).ino;
    systemd.run('systemctl', ['stop', 'lifeline']);
    expect(unitState()).toMatchObject({ ActiveState: 'inactive', Result: 'success', MainPID: 0 });
    expect(status()).toBeUndefined();
    systemd.run('systemctl', ['start', 'lifeline']);
    expect((await answers()).status).toBe('ok');
    expect(statSync(database).ino).toBe(inode);
  });
});
