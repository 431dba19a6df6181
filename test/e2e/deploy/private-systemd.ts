/**
 * A real systemd (Debian's /lib/systemd/systemd) as PID 1 of private namespaces, for testing the
 * packaged units where the machine's own PID 1 is not systemd (containers, CI), without changing
 * the machine (as root):
 *   - PID, mount, network, UTS, IPC and cgroup namespaces (`unshare`): its processes, mounts,
 *     loopback, hostname are its own; its cgroups live under a folder of its own in the machine's
 *     cgroup2 hierarchy, mounted as /sys/fs/cgroup inside (systemd runs in unified mode there),
 *     removed at the end;
 *   - mounted over, inside only: /run, /tmp (tmpfs); /var/lib, /etc/systemd/system, /etc/default
 *     (test folders); /usr/lib/systemd/system with the basic targets only, and an empty folder over
 *     the generators and /etc/init.d, so none of the machine's services starts (the first try
 *     without that started the LSB scripts of dbus, redis, haproxy, tinyproxy, postgresql);
 *     /etc/passwd and /etc/group copies with a `lifeline` system user; the checkout at
 *     /opt/lifeline, where packaging/systemd/lifeline.service expects it.
 * Commands run inside with nsenter. stop() kills PID 1, which ends every process of the namespace.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { until } from '../extension/harness';

const ROOT = resolve(import.meta.dirname, '../../..');
const SYSTEMD = '/lib/systemd/systemd';
const SYSTEM_UNITS = '/usr/lib/systemd/system';
/** The targets a service with default dependencies needs, and those systemd itself names. */
const BASIC_TARGETS = [
  'sysinit.target',
  'basic.target',
  'multi-user.target',
  'network.target',
  'network-online.target',
  'local-fs.target',
  'swap.target',
  'sockets.target',
  'timers.target',
  'paths.target',
  'slices.target',
  'shutdown.target',
  'emergency.target',
  'rescue.target',
  'final.target',
  'umount.target',
];
/** How long systemd may take to boot its few units (a loaded 2-core machine), in ms. */
const BOOT_MS = 60_000;
/** Mount-safe paths only: the scripts quote them. */
const SAFE_PATH = /^\/[A-Za-z0-9_./+-]+$/;

export interface PrivateSystemdOptions {
  /** Files for /etc/default (name -> content), e.g. { lifeline: 'LIFELINE_OPTIONS=...' }. */
  defaults?: Record<string, string>;
}

export interface PrivateSystemd {
  /** Runs a program inside the namespaces; its stdout (throws with its stderr when it fails). */
  run(program: string, args: string[]): string;
  /** Copies packaging/systemd/<name> into the namespace's /etc/systemd/system (what IT does). */
  installUnit(name: string): void;
  /** Where a path of the namespace (/var/lib/..., /etc/systemd/system/...) is on the machine. */
  hostPath(path: string): string;
  /** The machine's PID of a process of the namespace (for a kill -9 from outside). */
  hostPid(nsPid: number): number;
  /** The uid of the `lifeline` user inside. */
  lifelineUid: number;
  /** systemd's PID on the machine. */
  pid1: number;
  stop(): Promise<void>;
}

/** Where the machine's cgroup2 (unified) hierarchy is mounted (/sys/fs/cgroup or .../unified). */
function unifiedCgroupMount(): string {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [mountPart, fsPart] = line.split(' - ');
    if (mountPart && fsPart?.startsWith('cgroup2 ')) return mountPart.split(' ')[4]!;
  }
  throw new Error('no cgroup2 hierarchy is mounted: systemd needs one');
}

/** A uid (and gid) free in the machine's passwd and group files, in the system range. */
function freeSystemId(passwd: string, group: string): number {
  const used = new Set(
    [passwd, group].flatMap((f) => f.split('\n').map((l) => Number(l.split(':')[2]))).filter(Number.isFinite),
  );
  for (let id = 999; id >= 900; id--) if (!used.has(id)) return id;
  throw new Error('no free system uid between 900 and 999');
}

/** Removes a cgroup folder and its children, deepest first (cgroups are removed with rmdir). */
function removeCgroup(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isDirectory()) removeCgroup(join(dir, entry.name));
  rmdirSync(dir);
}

export async function startPrivateSystemd(options: PrivateSystemdOptions = {}): Promise<PrivateSystemd> {
  if (!existsSync(SYSTEMD)) throw new Error(`${SYSTEMD} is missing: run scripts/system-packages.sh`);
  const work = mkdtempSync(join(tmpdir(), 'lifeline-systemd-e2e-'));
  const dir = (name: string) => {
    const p = join(work, name);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const etcSystemd = dir('etc-systemd-system');
  const units = dir('system-units');
  for (const t of BASIC_TARGETS) copyFileSync(join(SYSTEM_UNITS, t), join(units, t));
  const empty = dir('empty');
  const varLib = dir('var-lib');
  const etcDefault = join(work, 'etc-default');
  cpSync('/etc/default', etcDefault, { recursive: true });
  for (const [name, content] of Object.entries(options.defaults ?? {}))
    writeFileSync(join(etcDefault, name), content);
  const passwdText = readFileSync('/etc/passwd', 'utf8');
  const groupText = readFileSync('/etc/group', 'utf8');
  const lifelineUid = freeSystemId(passwdText, groupText);
  const passwd = join(work, 'passwd');
  const group = join(work, 'group');
  writeFileSync(
    passwd,
    `${passwdText}lifeline:x:${lifelineUid}:${lifelineUid}:Lifeline:/nonexistent:/usr/sbin/nologin\n`,
  );
  writeFileSync(group, `${groupText}lifeline:x:${lifelineUid}:\n`);
  const opt = dir('opt');
  mkdirSync(join(opt, 'lifeline'));

  const binds: [string, string][] = [
    [etcSystemd, '/etc/systemd/system'],
    [units, SYSTEM_UNITS],
    [empty, '/usr/lib/systemd/system-generators'],
    [empty, '/etc/init.d'],
    [etcDefault, '/etc/default'],
    [passwd, '/etc/passwd'],
    [group, '/etc/group'],
    [varLib, '/var/lib'],
    [opt, '/opt'],
    [ROOT, '/opt/lifeline'],
  ];
  for (const p of binds.flat()) if (!SAFE_PATH.test(p)) throw new Error(`not a plain absolute path: ${p}`);
  const inner = join(work, 'inner.sh');
  writeFileSync(
    inner,
    [
      '#!/bin/sh',
      '# Written by test/e2e/deploy/private-systemd.ts: runs as PID 1 of the new namespaces.',
      'set -e',
      'mount -t tmpfs tmpfs /run',
      // The namespace's own cgroup2 root (the test's folder) as the whole hierarchy: systemd runs
      // in unified mode inside it and cannot reach the machine's other cgroups.
      'mount -t cgroup2 cgroup2 /sys/fs/cgroup',
      ...binds.map(([source, target]) => `mount --bind "${source}" "${target}"`),
      // Last: the test folder (under /tmp) is no longer needed by name.
      'mount -t tmpfs tmpfs /tmp',
      `exec env container=lifeline-test ${SYSTEMD} --system --unit=multi-user.target`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  // A cgroup of this test's, which becomes the namespace's cgroup root.
  const cgroup = join(unifiedCgroupMount(), `lifeline-test-${process.pid}`);
  mkdirSync(cgroup);
  const outer = join(work, 'outer.sh');
  writeFileSync(
    outer,
    [
      '#!/bin/sh',
      `echo $$ > "${cgroup}/cgroup.procs"`,
      `exec unshare --pid --fork --mount-proc --uts --ipc --net --cgroup "${inner}"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const log = openSync(join(work, 'systemd.log'), 'a');
  const launcher: ChildProcess = spawn('sh', [outer], { stdio: ['ignore', log, log] });
  const exited = new Promise<void>((done) => launcher.once('exit', () => done()));

  const children = () => {
    try {
      return readFileSync(`/proc/${launcher.pid}/task/${launcher.pid}/children`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const pid1 = await until(
    async () => {
      const child = Number(children().split(' ')[0]);
      try {
        return child > 0 && readlinkSync(`/proc/${child}/exe`) === realpathSync(SYSTEMD) ? child : undefined;
      } catch {
        return undefined; // between two execs
      }
    },
    BOOT_MS,
    'systemd to start as PID 1 of the namespaces',
    100,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${readFileSync(join(work, 'systemd.log'), 'utf8')}`);
  });

  const nsenter = (program: string, args: string[]) =>
    spawnSync('nsenter', ['-t', String(pid1), '-m', '-p', '-n', '-u', '-i', '-C', '--', program, ...args], {
      encoding: 'utf8',
      timeout: BOOT_MS,
    });
  const run = (program: string, args: string[]) => {
    const r = nsenter(program, args);
    if (r.status !== 0)
      throw new Error(`${program} ${args.join(' ')} (exit ${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  // Booted: is-system-running says running (or degraded: a basic target's optional part missing).
  await until(
    async () => /^(running|degraded)/.test(nsenter('systemctl', ['is-system-running']).stdout) || undefined,
    BOOT_MS,
    'systemd to finish booting',
    200,
  );
  const pidNamespace = readlinkSync(`/proc/${pid1}/ns/pid`);

  return {
    run,
    lifelineUid,
    pid1,
    installUnit(name) {
      copyFileSync(join(ROOT, 'packaging/systemd', name), join(etcSystemd, name));
    },
    hostPath(path) {
      for (const [source, target] of binds)
        if (path === target || path.startsWith(`${target}/`)) return source + path.slice(target.length);
      throw new Error(`${path} is not in a folder of the test's`);
    },
    hostPid(nsPid) {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          if (readlinkSync(`/proc/${entry}/ns/pid`) !== pidNamespace) continue;
          const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
          if (nspid?.trim().split(/\s+/).at(-1) === String(nsPid)) return Number(entry);
        } catch {
          // the process ended meanwhile
        }
      }
      throw new Error(`no process ${nsPid} in the namespace`);
    },
    async stop() {
      process.kill(pid1, 'SIGKILL');
      await exited;
      // The kernel frees a cgroup once its last process is gone: retry briefly.
      await until(
        async () => {
          try {
            removeCgroup(cgroup);
            return true;
          } catch {
            return undefined;
          }
        },
        10_000,
        `removing ${cgroup}`,
        200,
      );
      rmSync(work, { recursive: true, force: true });
    },
  };
}
