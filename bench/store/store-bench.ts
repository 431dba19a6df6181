/**
 * (c) of the scale benchmarks: chat messages and logins per second on PostgreSQL against the
 * SQLite default, side by side in one run on this machine. PostgreSQL 15 runs durable (fsync
 * and synchronous commit on, its defaults) on loopback, started and stopped here; SQLite is the
 * embedded default (WAL, synchronous=NORMAL).
 *   chat: CHAT_SESSIONS accepted sessions, each customer sending CHAT_LINES lines one after the
 *         other (request -> reply), all sessions at once, over real WebSockets; the agent gets each.
 *   logins: POST /api/v1/auth/login for LOGIN_AGENTS agents, LOGIN_PARALLEL at a time (argon2id
 *         verify included: that is what a login costs), and the store's part alone (the seat
 *         decision: createWithinSeats under a seat limit, SEAT_PARALLEL at a time).
 * Prints rates and the PostgreSQL / SQLite ratio. Asserts nothing.
 */
import { DEFAULT_FEATURES } from '../../server/accounts/default-features';
import { newId } from '../../server/auth/tokens';
import type { Store } from '../../server/store/store';
import { startPostgres } from '../../test/support/postgres';
import { startTestServer, type TestServer } from '../../test/support/test-server';
import {
  acceptedSession,
  addAgent,
  addPortal,
  AGENT_PASSWORD,
  signInAgent,
} from '../../test/support/workflow';

const CHAT_SESSIONS = 20;
const CHAT_LINES = 50;
const LOGIN_AGENTS = 60;
const LOGIN_PARALLEL = 6;
const SEAT_DECISIONS = 2_000;
const SEAT_PARALLEL = 20;

async function chatRate(server: TestServer): Promise<number> {
  await addPortal(server, 'chat');
  const agent = await addAgent(server, { portals: ['chat'] });
  const customers = [];
  for (let i = 0; i < CHAT_SESSIONS; i++) customers.push(await acceptedSession(server, agent, 'chat'));
  let received = 0;
  agent.client.ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary && data.includes('"chat.message"')) received++;
  });
  const t = performance.now();
  await Promise.all(
    customers.map(async (c) => {
      for (let i = 0; i < CHAT_LINES; i++)
        await c.client.request({ type: 'chat.send', text: `line ${i}` }, 30_000);
    }),
  );
  const total = CHAT_SESSIONS * CHAT_LINES;
  while (received < total && performance.now() - t < 60_000) await new Promise((r) => setTimeout(r, 5));
  const rate = total / ((performance.now() - t) / 1000);
  for (const c of customers) c.client.close();
  agent.client.close();
  return rate;
}

async function loginRate(server: TestServer): Promise<number> {
  await addPortal(server, 'login');
  const emails: string[] = [];
  for (let i = 0; i < LOGIN_AGENTS; i++)
    emails.push((await signInAgent(server, { portals: ['login'] })).email);
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: LOGIN_PARALLEL }, async () => {
      while (next < emails.length) {
        const email = emails[next++]!;
        const r = await fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: AGENT_PASSWORD }),
        });
        if (r.status !== 200) throw new Error(`login ${r.status}: ${await r.text()}`);
      }
    }),
  );
  return LOGIN_AGENTS / ((performance.now() - t) / 1000);
}

async function seatDecisionRate(store: Store): Promise<number> {
  const users: string[] = [];
  for (let i = 0; i < SEAT_PARALLEL; i++) {
    const id = newId();
    users.push(id);
    await store.users.insert({
      id,
      email: `seat-${id.slice(0, 8).toLowerCase()}@bench.example`,
      name: 'Seat',
      role: 'agent',
      state: 'active',
      passwordHash: null,
      features: { ...DEFAULT_FEATURES },
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });
  }
  let done = 0;
  const t = performance.now();
  await Promise.all(
    users.map(async (userId) => {
      while (done < SEAT_DECISIONS) {
        done++;
        const now = Date.now();
        await store.logins.createWithinSeats({
          login: {
            id: newId(),
            userId,
            createdAt: now,
            lastSeenAt: now,
            endedAt: null,
            endReason: null,
            address: '127.0.0.1',
            waitingForSeat: false,
          },
          tokenHash: newId(),
          seats: 1_000,
          countsForSeat: true,
        });
      }
    }),
  );
  return SEAT_DECISIONS / ((performance.now() - t) / 1000);
}

async function measure(label: string, store?: string) {
  const server = await startTestServer(store ? { store } : {}, {
    workflow: { requestsPerAddress: 1_000_000 },
  });
  try {
    const chat = await chatRate(server);
    const logins = await loginRate(server);
    const seats = await seatDecisionRate(server.store);
    return { label, chat, logins, seats };
  } finally {
    await server.stop();
  }
}

const pg = await startPostgres({ durable: true });
try {
  const sqlite = await measure('sqlite');
  const postgres = await measure('postgres', await pg.createDatabase());
  const row = (name: string, a: number, b: number) =>
    console.log(
      `  ${name.padEnd(40)} ${a.toFixed(0).padStart(7)} ${b.toFixed(0).padStart(9)}   ${(b / a).toFixed(2)}x`,
    );
  console.log('per second                                  SQLite PostgreSQL   PG/SQLite');
  row(`chat lines (${CHAT_SESSIONS} sessions at once)`, sqlite.chat, postgres.chat);
  row(`logins over HTTP (argon2id, ${LOGIN_PARALLEL} at once)`, sqlite.logins, postgres.logins);
  row(`seat decisions in the store (${SEAT_PARALLEL} at once)`, sqlite.seats, postgres.seats);
} finally {
  await pg.stop();
}
process.exit(0);
