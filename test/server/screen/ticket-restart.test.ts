/**
 * Download tickets survive a real server restart (a helper downloaded before it joins after it
 * with no code typed), on the SQLite file and on PostgreSQL: a live ticket opens its session
 * once; an expired one and a spent one are refused with their stable codes; the ticket is not in
 * the database in the clear.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLOAD_TICKET_TTL_MS } from '../../../protocol/limits';
import type { ServerConfig } from '../../../server/config';
import { DATABASE_FILE } from '../../../server/store/sqlite/open-database';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { makeDataDir, startTestServer, type TestServer } from '../../support/test-server';
import {
  addAgent,
  addPortal,
  closeAll,
  connectHelper,
  screenRequested,
  unique,
} from '../../support/workflow';

/** A minute of margin either side of the expiry, in ms. */
const MARGIN_MS = 60_000;

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

async function restartKeepsTickets(config: Partial<ServerConfig>, dataDir: string, onDisk: boolean) {
  // The servers' clock: real time plus an offset the test moves (tickets expire in 30 minutes).
  let offset = 0;
  const now = () => Date.now() + offset;
  let first: TestServer | null = await startTestServer({ ...config, dataDir }, { now });
  let second: TestServer | null = null;
  try {
    const portal = unique('tkr').toLowerCase();
    await addPortal(first, portal);
    const agent = await addAgent(first, { portals: [portal] });
    const early = await screenRequested(first, agent, portal);
    const spent = await screenRequested(first, agent, portal);
    const joined = await connectHelper(first, { kind: 'ticket', ticket: spent.ticket });
    expect(joined.first).toMatchObject({ type: 'helper.welcome', sessionId: spent.sessionId });
    offset = DOWNLOAD_TICKET_TTL_MS - MARGIN_MS;
    const live = await screenRequested(first, agent, portal);

    if (onDisk) {
      const db = readFileSync(path.join(dataDir, DATABASE_FILE)).toString('latin1');
      const wal = readFileSync(path.join(dataDir, `${DATABASE_FILE}-wal`)).toString('latin1');
      for (const ticket of [early.ticket, spent.ticket, live.ticket]) {
        expect(db).not.toContain(ticket);
        expect(wal).not.toContain(ticket);
      }
    }

    await first.stop(true);
    first = null;
    await closeAll(agent.client, early.client, spent.client, joined.client, live.client);
    // Past the first ticket's expiry, well within the last one's.
    offset = DOWNLOAD_TICKET_TTL_MS + MARGIN_MS;
    second = await startTestServer({ ...config, dataDir }, { now });

    const expired = await connectHelper(second, { kind: 'ticket', ticket: early.ticket });
    expect(expired.first).toMatchObject({ type: 'error', code: 'download_ticket_expired' });
    const used = await connectHelper(second, { kind: 'ticket', ticket: spent.ticket });
    expect(used.first).toMatchObject({ type: 'error', code: 'download_ticket_used' });
    const opens = await connectHelper(second, { kind: 'ticket', ticket: live.ticket });
    expect(opens.first).toMatchObject({ type: 'helper.welcome', sessionId: live.sessionId });
    const again = await connectHelper(second, { kind: 'ticket', ticket: live.ticket });
    expect(again.first).toMatchObject({ type: 'error', code: 'download_ticket_used' });
    await closeAll(expired.client, used.client, opens.client, again.client);
  } finally {
    await first?.stop(true);
    await second?.stop();
  }
}

describe('download tickets across a server restart', () => {
  it('on the SQLite file: a live one opens its session once, expired and spent ones are refused', async () => {
    await restartKeepsTickets({}, makeDataDir(), true);
  });

  it('on PostgreSQL: the same', async () => {
    await restartKeepsTickets({ store: await pg.createSchema() }, makeDataDir(), false);
  });
});
