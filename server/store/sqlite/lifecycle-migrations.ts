/**
 * Migrations of the session lifecycle (numbers 70-79, this area's range): callback requests and
 * why a session ended (a customer who left, a callback handled), a customer's request to go on
 * with the agent of their last session, the manager's transfer timeout, and sign-ins waiting for
 * a seat. Never edit a released migration: add one.
 */
import type { Migration } from './migrations';

/** How long a transfer (or a request addressed to one agent) waits for its taker, by default: 2 minutes. */
export const DEFAULT_TRANSFER_TIMEOUT_SECONDS = 120;

export const LIFECYCLE_MIGRATIONS: readonly Migration[] = [
  {
    version: 70,
    name: 'session lifecycle: callbacks, end reasons, continuations, transfer timeout, sign-ins waiting for a seat',
    sql: `
      ALTER TABLE sessions ADD COLUMN callback_at INTEGER;
      ALTER TABLE sessions ADD COLUMN end_reason TEXT;
      ALTER TABLE sessions ADD COLUMN continuation TEXT;
      ALTER TABLE company ADD COLUMN transfer_timeout_seconds INTEGER NOT NULL DEFAULT ${DEFAULT_TRANSFER_TIMEOUT_SECONDS};
      ALTER TABLE logins ADD COLUMN waiting_for_seat INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX logins_waiting ON logins(created_at) WHERE waiting_for_seat = 1 AND ended_at IS NULL;
    `,
  },
];
