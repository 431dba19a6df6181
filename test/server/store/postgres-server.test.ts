/**
 * A whole server on PostgreSQL (`store` in the config, what `lifeline serve --store postgres://`
 * sets), and `lifeline migrate` / the admin commands with --store or LIFELINE_STORE, against a
 * real PostgreSQL 15 started for this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLifeline } from '../../support/lifeline-cli';
import { startPostgres, type PostgresServer } from '../../support/postgres';
import { startTestServer } from '../../support/test-server';
import { acceptedSession, addAgent, addPortal, closeAll } from '../../support/workflow';

/** Each `lifeline` process costs ~0.6 s alone, several seconds on a loaded machine. */
const SPAWNS_MS = 90_000;

let pgServer: PostgresServer;
beforeAll(async () => {
  pgServer = await startPostgres();
});
afterAll(async () => {
  await pgServer?.stop();
});

const lifeline = (args: string[], env: NodeJS.ProcessEnv = {}) => runLifeline(args, { env });

describe('a server on PostgreSQL', () => {
  it('serves a request from the queue to an accepted chat, and keeps it in the database', async () => {
    const url = await pgServer.createSchema();
    const server = await startTestServer({ store: url });
    try {
      expect(server.store.kind).toBe('postgres');
      await addPortal(server, 'help');
      const agent = await addAgent(server, { portals: ['help'] });
      const customer = await acceptedSession(server, agent, 'help');
      expect((await customer.client.request({ type: 'chat.send', text: 'hello from postgres' })).type).toBe(
        'reply',
      );
      await agent.client.waitFor(
        (m) => m.type === 'chat.message' && JSON.stringify(m).includes('hello from postgres'),
        5000,
        'chat.message',
      );
      await closeAll(agent.client, customer.client);
      expect(await server.store.sessions.byId(customer.sessionId)).toMatchObject({
        state: 'accepted',
        agentId: agent.user.id,
      });
      expect((await server.store.transcripts.lines(customer.sessionId)).map((l) => l.text)).toContain(
        'hello from postgres',
      );
    } finally {
      await server.stop();
    }
  });
});

describe('lifeline migrate and the admin commands with --store', () => {
  it(
    'migrates once, then finds the schema up to date; admin commands reach the same database',
    async () => {
      const url = await pgServer.createSchema();
      const first = await lifeline(['migrate', '--store', url]);
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toMatch(/^PostgreSQL at postgres:\/\/.*: schema version 0 -> \d+\n$/);
      const again = await lifeline(['migrate'], { LIFELINE_STORE: url });
      expect(again.stdout).toMatch(/schema version \d+, up to date\n$/);

      expect((await lifeline(['company', 'create', '--name', 'Acme on PG', '--store', url])).code).toBe(0);
      const shown = await lifeline(['company', 'show'], { LIFELINE_STORE: url });
      expect(shown).toMatchObject({ code: 0 });
      expect(shown.stdout).toContain('Acme on PG');
    },
    SPAWNS_MS,
  );

  it(
    'refuses an unknown store with a usage error, and an unreachable one with the reason (no password shown)',
    async () => {
      const bad = await lifeline(['migrate', '--store', 'mysql://x']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('unknown store');
      const down = await lifeline(['migrate', '--store', 'postgres://lifeline:s3cret@127.0.0.1:1/none']);
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(
        /PostgreSQL at postgres:\/\/lifeline:\*\*\*@127\.0\.0\.1:1\/none: .*ECONNREFUSED/,
      );
      expect(down.stderr).not.toContain('s3cret');
    },
    SPAWNS_MS,
  );
});
