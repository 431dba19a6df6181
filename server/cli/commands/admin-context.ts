/**
 * What the administration commands work on: the same store as the server (the SQLite file in WAL
 * mode, so this works while the server runs and a write waits up to the store's busy timeout; or
 * the same PostgreSQL database, given by --store or LIFELINE_STORE), and the same
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
import { openStore, type StoreChoice } from '../../store/open-store';
import { DATABASE_FILE } from '../../store/sqlite/open-database';
import type { Store } from '../../store/store';
import type { CliIo } from './cli-io';

export const CLI_ACTOR = 'cli';

export interface Admin {
  store: Store;
  ctx: ServerContext;
  auth: AuthService;
  accounts: AccountService;
}

/** Opens the store, runs `work`, and always closes the store. */
export async function withAdmin<T>(
  choice: StoreChoice,
  io: CliIo,
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  if (choice.kind === 'sqlite' && !existsSync(join(choice.dataDir, DATABASE_FILE)))
    io.err(`(no database in ${choice.dataDir} yet: creating one)\n`);
  const store = await openStore(choice);
  try {
    const dataDir = choice.kind === 'sqlite' ? choice.dataDir : undefined;
    const ctx = createContext(defaultConfig(dataDir ? { dataDir } : {}), store, silentLog);
    const auth = new AuthService(ctx);
    return await work({ store, ctx, auth, accounts: new AccountService(ctx, auth) });
  } finally {
    await store.close();
  }
}
