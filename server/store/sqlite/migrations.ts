/**
 * Versioned schema migrations for the SQLite store. Each entry runs once, in order, inside a
 * transaction, and is recorded in `schema_migrations`. Never edit a released migration: add one.
 */
import { CHAT_FILE_MIGRATIONS } from './chat-file-migrations';
import { DOWNLOAD_TICKET_MIGRATIONS } from './download-ticket-migrations';
import { LIFECYCLE_MIGRATIONS } from './lifecycle-migrations';
import { MANAGE_MIGRATIONS } from './manage-migrations';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, portals, sessions, transcripts, audit',
    sql: `
      CREATE TABLE company (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        seats INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('agent', 'manager')),
        state TEXT NOT NULL CHECK (state IN ('invited', 'active', 'deactivated')),
        password_hash TEXT,
        features TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE logins (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        token_hash TEXT NOT NULL UNIQUE,
        counts_for_seat INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        ended_at INTEGER,
        end_reason TEXT,
        address TEXT NOT NULL
      );
      CREATE INDEX logins_active ON logins(ended_at) WHERE ended_at IS NULL;
      CREATE TABLE portals (
        slug TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE portal_agents (
        portal_slug TEXT NOT NULL REFERENCES portals(slug),
        user_id TEXT NOT NULL REFERENCES users(id),
        PRIMARY KEY (portal_slug, user_id)
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        portal_slug TEXT NOT NULL REFERENCES portals(slug),
        customer_name TEXT NOT NULL,
        customer_email TEXT,
        problem TEXT NOT NULL,
        request_token_hash TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL,
        screen TEXT NOT NULL,
        agent_id TEXT REFERENCES users(id),
        target_agent_id TEXT REFERENCES users(id),
        comment TEXT NOT NULL DEFAULT '',
        transfer TEXT,
        created_at INTEGER NOT NULL,
        queued_at INTEGER NOT NULL,
        accepted_at INTEGER,
        ended_at INTEGER,
        ended_by TEXT
      );
      CREATE INDEX sessions_open ON sessions(state) WHERE state != 'ended';
      CREATE INDEX sessions_created ON sessions(created_at);
      CREATE TABLE chat_lines (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        seq INTEGER NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL,
        address TEXT
      );
    `,
  },
  {
    // The sign-in throttle asks whether an agent has
    // signed in from an address before (auth/throttle.ts, usual addresses).
    version: 10,
    name: 'logins by user and address',
    sql: `CREATE INDEX logins_user_address ON logins(user_id, address, created_at);`,
  },
  {
    // Range 20-29 (resume). What screen sharing needs to survive a server restart.
    version: 20,
    name: "ephemeral values (join codes, resume tokens) and the customer's screen grants",
    sql: `
      CREATE TABLE ephemeral (
        space TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (space, key)
      );
      CREATE INDEX ephemeral_expiry ON ephemeral(expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE screen_grants (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id),
        grants TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  ...MANAGE_MIGRATIONS,
  {
    // Range 50-59 (oneclick).
    version: 55,
    name: "sessions: the customer's language and client (system, browser)",
    sql: `
      ALTER TABLE sessions ADD COLUMN customer_language TEXT;
      ALTER TABLE sessions ADD COLUMN customer_client TEXT;
    `,
  },
  ...DOWNLOAD_TICKET_MIGRATIONS,
  ...LIFECYCLE_MIGRATIONS,
  ...CHAT_FILE_MIGRATIONS,
];
