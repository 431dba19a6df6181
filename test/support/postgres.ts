/**
 * Starts a real PostgreSQL 15 (Debian's `postgresql` package) for a test or benchmark: a fresh
 * cluster in a temp folder, listening on 127.0.0.1 on a free port (and a socket in that folder),
 * stopped by its postmaster's PID. PostgreSQL refuses to run as root, so as root the cluster
 * belongs to the `postgres` user the package creates (runuser); as anyone else, to that user.
 * `createDatabase()` gives each test an empty database of its own on the one server.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port';

const PG_BIN = '/usr/lib/postgresql/15/bin';
/** How long the server may take to start or stop, in ms (it starts in ~2 s here). */
const PG_WAIT_MS = 60_000;
const SUPERUSER = 'postgres';

export interface PostgresServer {
  port: number;
  pid: number;
  /** Connection URL of the `postgres` database (for admin work). */
  adminUrl: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /**
   * Creates an empty schema in one shared database and returns a URL whose connections use it
   * (`options=-c search_path=...`): ~100x cheaper than a database, for one test each.
   */
  createSchema(): Promise<string>;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /**
   * Durable commits (fsync). Off for tests (nothing to keep, faster); benchmarks turn it on to
   * measure what a deployment gets.
   */
  durable?: boolean;
}

function asPostgresUser(cmd: string, args: string[]) {
  const isRoot = process.getuid?.() === 0;
  const r = isRoot
    ? spawnSync('runuser', ['-u', SUPERUSER, '--', cmd, ...args], { encoding: 'utf8', timeout: PG_WAIT_MS })
    : spawnSync(cmd, args, { encoding: 'utf8', timeout: PG_WAIT_MS });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout || r.error}`);
  return r.stdout;
}

function uidOf(user: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line)
    throw new Error(`no "${user}" user: install Debian's postgresql package (scripts/system-packages.sh)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-pg-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = uidOf(SUPERUSER);
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  asPostgresUser(`${PG_BIN}/initdb`, [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    SUPERUSER,
    '-E',
    'UTF8',
    '--no-locale',
  ]);
  const durability = options.durable
    ? []
    : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200',
      ...durability,
    ];
    try {
      asPostgresUser(`${PG_BIN}/pg_ctl`, [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-w',
        '-t',
        '60',
        '-o',
        settings.join(' '),
        'start',
      ]);
      break;
    } catch (err) {
      // Another process took the port between freePort() and the listen: try another.
      if (attempt >= 2) throw err;
    }
  }
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const adminUrl = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
  let databases = 0;

  return {
    port,
    pid,
    adminUrl,
    async createDatabase() {
      const name = `lifeline_${process.pid}_${++databases}`;
      await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
      return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
    },
    async createSchema() {
      const name = `lifeline_${++databases}`;
      await adminQuery(adminUrl, `CREATE SCHEMA ${name}`);
      return `${adminUrl}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
    },
    async stop() {
      // Immediate shutdown: the cluster is thrown away, so no shutdown checkpoint is worth waiting for.
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // Already gone.
      }
      const deadline = Date.now() + PG_WAIT_MS;
      while (Date.now() < deadline && isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
