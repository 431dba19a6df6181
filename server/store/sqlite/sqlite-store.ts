/** The embedded default store: one SQLite file in the data folder (see open-database.ts). */
import type { Store } from '../store';
import { companyRepo, loginRepo, userRepo } from './account-repos';
import { checkDatabaseFile, openDatabase } from './open-database';
import { auditRepo } from './audit-repo';
import { downloadTicketRepo } from './download-ticket-repo';
import { manageStore } from './manage-repos';
import { screenGrantRepo } from './screen-grant-repo';
import { portalRepo, sessionRepo, transcriptRepo } from './session-repos';
import { sqliteEphemeralStore } from './sqlite-ephemeral-store';

export function openSqliteStore(dataDir: string): Store {
  const db = openDatabase(dataDir);
  return {
    kind: 'sqlite',
    company: companyRepo(db),
    users: userRepo(db),
    logins: loginRepo(db),
    portals: portalRepo(db),
    sessions: sessionRepo(db),
    transcripts: transcriptRepo(db),
    audit: auditRepo(db),
    screenGrants: screenGrantRepo(db),
    ephemeral: sqliteEphemeralStore(db),
    downloadTickets: downloadTicketRepo(db),
    manage: manageStore(db),
    async check() {
      // The open connection answers from its page cache; a second one reads the file itself.
      db.prepare('SELECT 1 FROM schema_migrations LIMIT 1').get();
      checkDatabaseFile(dataDir);
    },
    async close() {
      db.close();
    },
  };
}
