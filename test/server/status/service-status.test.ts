/**
 * The status page and API report real checks, each made to fail for real on a running server:
 * the SQLite file taken from under the server, PostgreSQL stopped under it, a disk filled
 * (through the injected statfs: a real full disk cannot be made here without root mounts), the
 * WebSocket hub closed. Each time the status turns, the HTTP code follows (503 when down) and the
 * page says what to do, in English and French.
 */
import { renameSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../../protocol/http-api';
import { DATABASE_FILE } from '../../../server/store/sqlite/open-database';
import {
  checkRelay,
  DISK_DEGRADED_BYTES,
  DISK_DOWN_BYTES,
  type DiskSpace,
} from '../../../server/status/status-checks';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { startTestServer, type TestServer } from '../../support/test-server';

async function apiStatus(server: TestServer): Promise<{ code: number; body: StatusResponse }> {
  const res = await fetch(`${server.url}/api/v1/status`);
  return { code: res.status, body: (await res.json()) as StatusResponse };
}

function check(body: StatusResponse, name: string) {
  const found = body.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no ${name} check in ${JSON.stringify(body)}`);
  return found;
}

async function page(server: TestServer, headers: Record<string, string> = {}, query = '') {
  const res = await fetch(`${server.url}/status${query}`, { headers });
  return { code: res.status, html: await res.text() };
}

/** The disk the test decides: the real statfs until `freeBytes` is set. */
let freeBytes: number | null = null;
const fakeStatfs = async (path: string): Promise<DiskSpace> =>
  freeBytes === null ? statfs(path) : { bavail: freeBytes / 4096, bsize: 4096 };

describe('on SQLite', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { status: { statfs: fakeStatfs, reuseMs: 0 } });
  });
  afterAll(() => server.stop());

  it('reports every check ok on a healthy server', async () => {
    const { code, body } = await apiStatus(server);
    expect(code).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.checks.map((c) => [c.name, c.state, c.code])).toEqual([
      ['store', 'ok', 'store_ok'],
      ['disk', 'ok', 'disk_ok'],
      ['hub', 'ok', 'hub_ok'],
      ['relay', 'ok', 'relay_ok'],
    ]);
    expect(check(body, 'disk').freeBytes).toBeGreaterThan(DISK_DEGRADED_BYTES);
    const { html } = await page(server);
    expect(html).toContain('All systems operational.');
  });

  it('turns down when the database file is gone from the data folder, and back when it is restored', async () => {
    const file = join(server.dataDir, DATABASE_FILE);
    // The serving connection keeps its open file: only a read of the folder's file sees the loss.
    renameSync(file, `${file}.moved`);
    try {
      const { code, body } = await apiStatus(server);
      expect(code).toBe(503);
      expect(body.status).toBe('down');
      expect(check(body, 'store')).toMatchObject({ state: 'down', code: 'store_unreachable' });
      expect(check(body, 'store').detail).toMatch(/unable to open database file/);
      const fr = await page(server, { 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5' });
      expect(fr.code).toBe(503);
      expect(fr.html).toContain('<html lang="fr">');
      expect(fr.html).toContain('Le service est arrêté');
      expect(fr.html).toContain('restaurez la dernière sauvegarde');
    } finally {
      renameSync(`${file}.moved`, file);
    }
    expect((await apiStatus(server)).body.status).toBe('ok');
  });

  it('turns degraded when the data folder’s disk runs low, and down when it is full', async () => {
    try {
      freeBytes = DISK_DEGRADED_BYTES - 1;
      let { code, body } = await apiStatus(server);
      expect(code).toBe(200);
      expect(body.status).toBe('degraded');
      expect(check(body, 'disk')).toMatchObject({ state: 'degraded', code: 'disk_low', freeBytes });
      expect((await page(server)).html).toContain('free space on the disk that holds the data folder');

      freeBytes = DISK_DOWN_BYTES - 4096;
      ({ code, body } = await apiStatus(server));
      expect(code).toBe(503);
      expect(check(body, 'disk')).toMatchObject({ state: 'down', code: 'disk_full' });
      const en = await page(server, { 'Accept-Language': 'fr' }, '?lang=en');
      expect(en.html).toContain('<html lang="en">');
      expect(en.html).toContain('Less than 100 MB free');
    } finally {
      freeBytes = null;
    }
  });

  it('reuses one run of the checks for a few seconds when no test asks otherwise', async () => {
    const other = await startTestServer({}, { status: { statfs: fakeStatfs } });
    try {
      const first = (await apiStatus(other)).body;
      freeBytes = 0;
      const second = (await apiStatus(other)).body;
      expect(second.checkedAt).toBe(first.checkedAt);
      expect(second.status).toBe('ok');
    } finally {
      freeBytes = null;
      await other.stop();
    }
  });

  // Last: the hub stays closed.
  it('turns down when the WebSocket hub is closed: the relay rides on it', async () => {
    await server.hub.close();
    const { code, body } = await apiStatus(server);
    expect(code).toBe(503);
    expect(check(body, 'hub')).toMatchObject({ state: 'down', code: 'hub_unreachable' });
    expect(check(body, 'hub').detail).toMatch(/503/);
    expect(check(body, 'relay')).toMatchObject({ state: 'down', code: 'relay_unreachable' });
    const fr = await page(server, {}, '?lang=fr');
    expect(fr.html).toContain('redémarrez le serveur et lisez son journal');
  });
});

describe('on PostgreSQL', () => {
  let pg: PostgresServer;
  let server: TestServer;
  beforeAll(async () => {
    pg = await startPostgres();
    server = await startTestServer({ store: await pg.createSchema() }, { status: { reuseMs: 0 } });
  });
  afterAll(async () => {
    await server?.stop();
    await pg?.stop();
  });

  it('reports the store ok while PostgreSQL runs, and down once it is stopped', async () => {
    let { code, body } = await apiStatus(server);
    expect(code).toBe(200);
    expect(body.store).toBe('postgres');
    expect(check(body, 'store').state).toBe('ok');
    await pg.stop();
    ({ code, body } = await apiStatus(server));
    expect(code).toBe(503);
    expect(check(body, 'store')).toMatchObject({ state: 'down', code: 'store_unreachable' });
    expect(check(body, 'hub').state).toBe('ok');
  });
});

describe('the relay check', () => {
  it('is degraded when most of its peers are paused by backpressure, not for one slow link', () => {
    expect(checkRelay(true, { rooms: 1, peers: 2, paused: 1 }).state).toBe('ok');
    expect(checkRelay(true, { rooms: 3, peers: 6, paused: 2 }).state).toBe('ok');
    expect(checkRelay(true, { rooms: 3, peers: 6, paused: 3 })).toMatchObject({
      state: 'degraded',
      code: 'relay_overloaded',
      rooms: 3,
      paused: 3,
    });
    expect(checkRelay(false, { rooms: 0, peers: 0, paused: 0 }).state).toBe('down');
  });
});
