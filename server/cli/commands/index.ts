/** The command table of the `lifeline` CLI: name -> handler (argv after the name) -> exit code. */
import { auditCommand } from './audit-command';
import { backupCommand, restoreCommand } from './backup-command';
import { companyCommand } from './company-command';
import { migrateCommand } from './migrate-command';
import { portalCommand } from './portal-command';
import { seatsCommand } from './seats-command';
import { serveCommand } from './serve-command';
import { userCommand } from './user-command';

export type Command = (argv: string[]) => Promise<number>;

export const COMMANDS = {
  serve: serveCommand,
  migrate: migrateCommand,
  company: companyCommand,
  user: userCommand,
  seats: seatsCommand,
  portal: portalCommand,
  audit: auditCommand,
  backup: backupCommand,
  restore: restoreCommand,
} satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;
