/** The embedded default store: one SQLite file in the data folder (see open-database.ts). */
import type { Store } from '../store';
import { companyRepo, loginRepo, userRepo } from './account-repos';
import { openDatabase } from './open-database';
import { screenGrantRepo } from './screen-grant-repo';
import { sqliteEphemeralStore } from './sqlite-ephemeral-store';
import { auditRepo, portalRepo, sessionRepo, transcriptRepo } from './session-repos';

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
    async close() {
      db.close();
    },
  };
}
