/**
 * What the administration commands work on: the same SQLite file as the server (WAL mode, so
 * this works while the server runs; a write waits up to the store's busy timeout), and the same
 * AccountService, so the rules and the audit log are those of the management API. The audit
 * actor is `cli` (whoever can run this command can read the data folder anyway).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AccountService } from '../../accounts/account-service';
import { AuthService } from '../../auth/auth-service';
import { defaultConfig } from '../../config';
import { createContext, type ServerContext } from '../../context';
import { silentLog } from '../../log';
import { DATABASE_FILE } from '../../store/sqlite/open-database';
import { openSqliteStore } from '../../store/sqlite/sqlite-store';
import type { Store } from '../../store/store';
import type { CliIo } from './cli-io';

export const CLI_ACTOR = 'cli';

export interface Admin {
  store: Store;
  ctx: ServerContext;
  auth: AuthService;
  accounts: AccountService;
}

/** Opens the data folder, runs `work`, and always closes the store. */
export async function withAdmin<T>(
  dataDir: string,
  io: CliIo,
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  if (!existsSync(join(dataDir, DATABASE_FILE))) io.err(`(no database in ${dataDir} yet: creating one)\n`);
  const store = openSqliteStore(dataDir);
  try {
    const ctx = createContext(defaultConfig({ dataDir }), store, silentLog);
    const auth = new AuthService(ctx);
    return await work({ store, ctx, auth, accounts: new AccountService(ctx, auth) });
  } finally {
    await store.close();
  }
}
