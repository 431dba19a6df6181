/**
 * Migrations of the helper downloads bound to a request (numbers 56-59, the oneclick range): the
 * download tickets, so a helper downloaded before a server restart still joins without a code.
 * Two dialects of one table, differing only in how `seq` (the order of issue, exact even within
 * one millisecond, kept by VACUUM) is numbered.
 * Never edit a released migration: add one.
 */
import type { Migration } from './migrations';

const NAME = 'download tickets (hashed): session, issuing agent, state, expiry';

const table = (seqColumn: string) => `
  CREATE TABLE download_tickets (
    seq ${seqColumn},
    hash TEXT NOT NULL UNIQUE,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    agent_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('live', 'used', 'expired')),
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX download_tickets_session ON download_tickets(session_id, state);
  CREATE INDEX download_tickets_agent ON download_tickets(agent_id) WHERE state = 'live';
  CREATE INDEX download_tickets_expiry ON download_tickets(expires_at);
`;

export const DOWNLOAD_TICKET_MIGRATIONS: readonly Migration[] = [
  { version: 56, name: NAME, sql: table('INTEGER PRIMARY KEY AUTOINCREMENT') },
];

export const POSTGRES_DOWNLOAD_TICKET_MIGRATIONS: readonly Migration[] = [
  { version: 56, name: NAME, sql: table('BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY') },
];
