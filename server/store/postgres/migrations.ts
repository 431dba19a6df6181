/**
 * Versioned schema migrations for the PostgreSQL store: the same versions as the SQLite list
 * (server/store/sqlite/migrations.ts), each written in PostgreSQL's dialect. Keep both lists in
 * step: a migration added to one gets the same version and name in the other
 * (test/server/store/migrations-in-step.test.ts fails when they differ). Never edit a released
 * migration: add one. Timestamps are milliseconds since the epoch in BIGINT (read back as numbers);
 * JSON stays text, so both stores share the row conversions in ../rows.ts.
 */
import type { Migration } from '../sqlite/migrations';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, portals, sessions, transcripts, audit',
    sql: `
      CREATE TABLE company (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        seats INTEGER,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('agent', 'manager')),
        state TEXT NOT NULL CHECK (state IN ('invited', 'active', 'deactivated')),
        password_hash TEXT,
        features TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE logins (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        token_hash TEXT NOT NULL UNIQUE,
        counts_for_seat BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        ended_at BIGINT,
        end_reason TEXT,
        address TEXT NOT NULL
      );
      CREATE INDEX logins_active ON logins(ended_at) WHERE ended_at IS NULL;
      CREATE TABLE portals (
        slug TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE portal_agents (
        portal_slug TEXT NOT NULL REFERENCES portals(slug),
        user_id TEXT NOT NULL REFERENCES users(id),
        PRIMARY KEY (portal_slug, user_id)
      );
      CREATE INDEX portal_agents_user ON portal_agents(user_id);
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
        created_at BIGINT NOT NULL,
        queued_at BIGINT NOT NULL,
        accepted_at BIGINT,
        ended_at BIGINT,
        ended_by TEXT
      );
      CREATE INDEX sessions_open ON sessions(state) WHERE state <> 'ended';
      CREATE INDEX sessions_created ON sessions(created_at);
      CREATE TABLE chat_lines (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        seq INTEGER NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
      CREATE TABLE audit (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL,
        address TEXT
      );
    `,
  },
];
