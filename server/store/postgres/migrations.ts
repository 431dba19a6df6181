/**
 * Versioned schema migrations for the PostgreSQL store: the same versions as the SQLite list
 * (server/store/sqlite/migrations.ts), each written in PostgreSQL's dialect. Keep both lists in
 * step: a migration added to one gets the same version and name in the other
 * (test/server/store/migrations-in-step.test.ts fails when they differ). Never edit a released
 * migration: add one. Timestamps are milliseconds since the epoch in BIGINT (read back as numbers);
 * JSON stays text, so both stores share the row conversions in ../rows.ts.
 */
import { CHAT_FILE_MIGRATIONS } from '../sqlite/chat-file-migrations';
import { POSTGRES_DOWNLOAD_TICKET_MIGRATIONS } from '../sqlite/download-ticket-migrations';
import { DEFAULT_TRANSFER_TIMEOUT_SECONDS } from '../sqlite/lifecycle-migrations';
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
  {
    // The sign-in throttle asks whether an agent has signed in from an address before.
    version: 10,
    name: 'logins by user and address',
    sql: `CREATE INDEX logins_user_address ON logins(user_id, address, created_at);`,
  },
  {
    version: 20,
    name: "ephemeral values (join codes, resume tokens) and the customer's screen grants",
    sql: `
      CREATE TABLE ephemeral (
        space TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at BIGINT,
        PRIMARY KEY (space, key)
      );
      CREATE INDEX ephemeral_expiry ON ephemeral(expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE screen_grants (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id),
        grants TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `,
  },
  {
    // SQLite's implicit rowid breaks ties in insertion order in the manage queries; PostgreSQL
    // has none, so the tables they order get an identity column of that name (same SQL text).
    version: 30,
    name: 'management center: account links, API tokens, webhooks, audit chain, session history',
    sql: `
      CREATE TABLE account_links (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT,
        revoked_at BIGINT
      );
      CREATE INDEX account_links_user ON account_links(user_id);

      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL CHECK (scope IN ('read', 'full')),
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        revoked_at BIGINT,
        last_used_at BIGINT
      );

      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        events TEXT NOT NULL,
        active INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY,
        webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        created_at BIGINT NOT NULL,
        next_attempt_at BIGINT,
        delivered_at BIGINT
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE state = 'pending';
      CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, created_at);

      ALTER TABLE audit ADD COLUMN prev_hash TEXT;
      ALTER TABLE audit ADD COLUMN hash TEXT;

      ALTER TABLE portals ADD COLUMN colour TEXT;
      ALTER TABLE sessions ADD COLUMN customer_system TEXT;
      ALTER TABLE sessions ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;

      CREATE TABLE session_agents (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        at BIGINT NOT NULL,
        PRIMARY KEY (session_id, user_id)
      );
      CREATE TABLE session_transfers (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        at BIGINT NOT NULL,
        from_agent_id TEXT NOT NULL,
        to_kind TEXT NOT NULL CHECK (to_kind IN ('agent', 'portal')),
        to_ref TEXT NOT NULL,
        to_name TEXT NOT NULL,
        comment TEXT NOT NULL
      );
      CREATE INDEX session_transfers_session ON session_transfers(session_id, at);
      CREATE TABLE session_files (
        rowid BIGINT GENERATED ALWAYS AS IDENTITY,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        at BIGINT NOT NULL,
        agent_id TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('to_customer', 'from_customer')),
        name TEXT NOT NULL,
        size BIGINT NOT NULL,
        sha256 TEXT NOT NULL
      );
      CREATE INDEX session_files_session ON session_files(session_id, at);
    `,
  },
  {
    // Range 50-59 (oneclick), as server/store/sqlite/migrations.ts.
    version: 55,
    name: "sessions: the customer's language and client (system, browser)",
    sql: `
      ALTER TABLE sessions ADD COLUMN customer_language TEXT;
      ALTER TABLE sessions ADD COLUMN customer_client TEXT;
    `,
  },
  ...POSTGRES_DOWNLOAD_TICKET_MIGRATIONS,
  {
    // Booleans of the shared rows (../rows.ts) are integers 0/1, as webhooks.active is.
    version: 70,
    name: 'session lifecycle: callbacks, end reasons, continuations, transfer timeout, sign-ins waiting for a seat',
    sql: `
      ALTER TABLE sessions ADD COLUMN callback_at BIGINT;
      ALTER TABLE sessions ADD COLUMN end_reason TEXT;
      ALTER TABLE sessions ADD COLUMN continuation TEXT;
      ALTER TABLE company ADD COLUMN transfer_timeout_seconds INTEGER NOT NULL DEFAULT ${DEFAULT_TRANSFER_TIMEOUT_SECONDS};
      ALTER TABLE logins ADD COLUMN waiting_for_seat INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX logins_waiting ON logins(created_at) WHERE waiting_for_seat = 1 AND ended_at IS NULL;
    `,
  },
  // Range 74-76 (chatfiles): plain SQL both databases speak, so one list serves both.
  ...CHAT_FILE_MIGRATIONS,
];
