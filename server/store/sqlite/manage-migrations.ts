/**
 * Migrations of the management center (numbers 30-39, this area's range): one-time account links
 * (invitations and password resets), API tokens, webhooks and their delivery log, the audit
 * log's hash chain, portal colours, and what the session reports keep beside a session (every
 * agent who held it, transfers with their comments, files with their SHA-256, the customer's
 * system). Never edit a released migration: add one.
 */
import type { Migration } from './migrations';

export const MANAGE_MIGRATIONS: readonly Migration[] = [
  {
    version: 30,
    name: 'management center: account links, API tokens, webhooks, audit chain, session history',
    sql: `
      CREATE TABLE account_links (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        revoked_at INTEGER
      );
      CREATE INDEX account_links_user ON account_links(user_id);

      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL CHECK (scope IN ('read', 'full')),
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER
      );

      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        events TEXT NOT NULL,
        active INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER,
        delivered_at INTEGER
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE state = 'pending';
      CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, created_at);

      ALTER TABLE audit ADD COLUMN prev_hash TEXT;
      ALTER TABLE audit ADD COLUMN hash TEXT;

      ALTER TABLE portals ADD COLUMN colour TEXT;
      ALTER TABLE sessions ADD COLUMN customer_system TEXT;

      CREATE TABLE session_agents (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        at INTEGER NOT NULL,
        PRIMARY KEY (session_id, user_id)
      );
      CREATE TABLE session_transfers (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        at INTEGER NOT NULL,
        from_agent_id TEXT NOT NULL,
        to_kind TEXT NOT NULL CHECK (to_kind IN ('agent', 'portal')),
        to_ref TEXT NOT NULL,
        to_name TEXT NOT NULL,
        comment TEXT NOT NULL
      );
      CREATE INDEX session_transfers_session ON session_transfers(session_id, at);
      CREATE TABLE session_files (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        at INTEGER NOT NULL,
        agent_id TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('to_customer', 'from_customer')),
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL
      );
      CREATE INDEX session_files_session ON session_files(session_id, at);
    `,
  },
];
