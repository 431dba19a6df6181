/**
 * The PostgreSQL store: the system of record when several nodes serve one help desk. Opening it
 * connects, brings the schema up to date (migrate.ts; safe when nodes start together) and gives
 * the same Store interface as the SQLite default; the conformance suite in test/server/store/
 * holds both to the same behaviour.
 */
import type { Store } from '../store';
import { companyRepo, loginRepo, userRepo } from './account-repos';
import { migratePostgres } from './migrate';
import { createPool } from './pg-pool';
import { auditRepo, sealPendingAudit } from './audit-repo';
import { postgresDownloadTicketRepo } from './download-ticket-repo';
import { postgresEphemeralStore, postgresScreenGrantRepo } from './ephemeral-repos';
import { postgresManageStore } from './manage-repos';
import { portalRepo, sessionRepo, transcriptRepo } from './session-repos';

export async function openPostgresStore(url: string, options: { migrate?: boolean } = {}): Promise<Store> {
  const pool = createPool(url);
  try {
    if (options.migrate ?? true) {
      await migratePostgres(pool);
      await sealPendingAudit(pool);
    } else await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return {
    kind: 'postgres',
    company: companyRepo(pool),
    users: userRepo(pool),
    logins: loginRepo(pool),
    portals: portalRepo(pool),
    sessions: sessionRepo(pool),
    transcripts: transcriptRepo(pool),
    audit: auditRepo(pool),
    screenGrants: postgresScreenGrantRepo(pool),
    ephemeral: postgresEphemeralStore(pool),
    downloadTickets: postgresDownloadTicketRepo(pool),
    manage: postgresManageStore(pool),
    async check() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
