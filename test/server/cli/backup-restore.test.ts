/**
 * `lifeline backup` of a server under load, and `lifeline restore`, run as the commands IT runs
 * (separate processes on the same data folder as a live server):
 * - the backup, taken while customers keep creating requests, is a consistent moment of the
 *   database: it passes integrity_check, holds more requests than before it started and fewer than
 *   at the end, and every request it holds is one the server really has;
 * - restored into another data folder it is identical, table by table and row by row, and a
 *   server starts on it;
 * - restore refuses while a server runs on the folder, a damaged file, and a backup from a newer
 *   Lifeline; the database it replaces is kept.
 */
import Database from 'better-sqlite3';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, backupDatabase, restoreDatabase } from '../../../server/store/sqlite/backup';
import { DATABASE_FILE } from '../../../server/store/sqlite/open-database';
import { PID_FILE } from '../../../server/store/sqlite/server-pid';
import { startTestServer, type TestServer } from '../../support/test-server';

const run = promisify(execFile);
const LIFELINE = resolve(import.meta.dirname, '../../../bin/lifeline.mjs');
/** Requests in flight at once during the load. */
const CONCURRENT_REQUESTS = 4;
/** Requests the load creates before the backup starts, and at least after it ends. */
const BEFORE_BACKUP = 60;
const AFTER_BACKUP = 30;

let work: string;
let server: TestServer;
let slug: string;

function lifeline(args: string[]) {
  return run(process.execPath, [LIFELINE, ...args], { encoding: 'utf8' });
}

/** Every table's rows, each as JSON, sorted: equal dumps mean equal databases. */
function dump(file: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { name: string }[];
    const out: Record<string, string[]> = {};
    for (const { name } of tables) {
      out[name] = (db.prepare(`SELECT * FROM "${name}"`).all() as unknown[])
        .map((r) => JSON.stringify(r))
        .sort();
    }
    return out;
  } finally {
    db.close();
  }
}

function sessionIds(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT id FROM sessions').all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

/** Customers creating requests through the HTTP API until stopped; counts what the server accepted. */
function startLoad(url: string) {
  let created = 0;
  let stopped = false;
  const worker = async (n: number) => {
    for (let i = 0; !stopped; i++) {
      const res = await fetch(`${url}/api/v1/portals/${slug}/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Customer ${n}-${i}`, problem: 'The printer is on fire' }),
      });
      if (res.status !== 200 && res.status !== 201)
        throw new Error(`request refused: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      created++;
    }
  };
  const workers = Array.from({ length: CONCURRENT_REQUESTS }, (_, n) => worker(n));
  return {
    created: () => created,
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

async function waitFor(probe: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lifeline-backup-'));
  server = await startTestServer(
    { dataDir: join(work, 'live') },
    // Customers keep coming for as long as the backup takes, which a loaded machine stretches past
    // the queue's normal cap of 500 waiting requests.
    { workflow: { requestsPerAddress: 1_000_000, queueLimits: { perAddress: 10, total: 1_000_000 } } },
  );
  slug = 'backup-desk';
  await server.services.accounts.addPortal(slug, 'Backup desk', 'test');
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it(
    'backs up a server under load to a consistent copy that restores identically',
    { timeout: 90_000 },
    async () => {
      const load = startLoad(server.url);
      let backupAt: { from: number; to: number };
      const backupFile = join(work, 'lifeline-backup.sqlite');
      try {
        await waitFor(() => load.created() >= BEFORE_BACKUP, `${BEFORE_BACKUP} requests`);
        const from = load.created();
        const { stdout } = await lifeline(['backup', backupFile, '--data', server.dataDir]);
        expect(stdout).toMatch(/^backup: .*lifeline-backup\.sqlite \(\d+ KiB, schema \d+, \d+ ms\)/);
        const to = load.created();
        backupAt = { from, to };
        await waitFor(() => load.created() >= to + AFTER_BACKUP, 'requests after the backup');
      } finally {
        await load.stop();
      }
      const live = join(server.dataDir, DATABASE_FILE);
      const inBackup = sessionIds(backupFile);
      const inLive = new Set(sessionIds(live));
      // A moment during the backup: not before it began, not after it ended, under load all along.
      expect(inBackup.length).toBeGreaterThanOrEqual(backupAt.from);
      expect(inBackup.length).toBeLessThanOrEqual(backupAt.to + CONCURRENT_REQUESTS);
      expect(inLive.size).toBeGreaterThan(inBackup.length);
      expect(inBackup.every((id) => inLive.has(id))).toBe(true);
      // One self-contained file: no -wal beside it.
      expect(existsSync(`${backupFile}-wal`)).toBe(false);

      const restored = join(work, 'restored');
      const { stdout } = await lifeline(['restore', backupFile, '--data', restored]);
      expect(stdout).toContain(`restored ${backupFile} into ${restored}`);
      expect(dump(join(restored, DATABASE_FILE))).toEqual(dump(backupFile));

      const again = await startTestServer({ dataDir: restored });
      try {
        const res = await fetch(`${again.url}/api/v1/portals/${slug}`);
        expect(res.status).toBe(200);
      } finally {
        await again.stop(true);
      }
    },
  );

  // In-process (the command's code, without a process start per case): the refusals.
  it('refuses to restore under a running server, a damaged file, or a newer schema; keeps what it replaces', async () => {
    const folder = join(work, 'target');
    const backupFile = join(work, 'second.sqlite');
    await backupDatabase(server.dataDir, backupFile);
    await expect(backupDatabase(server.dataDir, backupFile)).rejects.toThrow(/exists already/);

    restoreDatabase(folder, backupFile);
    // A "server" process on the folder: restore must not pull the database from under it.
    const running = spawn('sleep', ['30']);
    try {
      writeFileSync(join(folder, PID_FILE), `${running.pid}\n`);
      expect(() => restoreDatabase(folder, backupFile)).toThrow(`process ${running.pid}) is running`);
    } finally {
      running.kill();
    }
    rmSync(join(folder, PID_FILE));

    const damaged = join(work, 'damaged.sqlite');
    writeFileSync(damaged, 'SQLite format 3\0 but not really');
    expect(() => restoreDatabase(folder, damaged)).toThrow(BackupError);

    const newer = join(work, 'newer.sqlite');
    await backupDatabase(server.dataDir, newer);
    const db = new Database(newer);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run(
      'from the future',
    );
    db.close();
    expect(() => restoreDatabase(folder, newer)).toThrow(/newer Lifeline \(schema 999/);

    const result = restoreDatabase(folder, backupFile);
    expect(result.previous).toMatch(/before-restore-/);
    expect(readdirSync(folder).filter((f) => f.includes('before-restore'))).toHaveLength(1);
    expect(dump(result.previous!)).toEqual(dump(backupFile));
  });
});
