/**
 * `lifeline backup FILE [--data DIR]`: an online copy of the database while the server runs.
 * `lifeline restore FILE [--data DIR]`: put a backup back, with the server stopped.
 * See server/store/sqlite/backup.ts for how each stays consistent, and docs/deployment.md.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from '../../config';
import { BackupError, backupDatabase, restoreDatabase } from '../../store/sqlite/backup';
import { CliError, USAGE_EXIT } from '../cli-error';
import { processIo, type CliIo } from './cli-io';
import { storeChoiceOrUsage } from './migrate-command';

/**
 * Backup and restore copy the SQLite file. When LIFELINE_STORE names PostgreSQL, the data is not
 * in that file: copying it would make a backup of nothing (or put an old file back) while looking
 * like success, so both refuse and say what to use instead.
 */
function refusePostgres(name: string, dataDir: string): void {
  if (storeChoiceOrUsage(undefined, dataDir).kind !== 'postgres') return;
  throw new CliError(
    `lifeline ${name} copies the SQLite database, but LIFELINE_STORE names PostgreSQL: use pg_dump and pg_restore for it (docs/deployment.md, "The server on PostgreSQL")`,
  );
}

function parseFileAndData(name: string, argv: string[]): { file: string; dataDir: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { data: { type: 'string', default: DEFAULT_DATA_DIR } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CliError(
      `${err instanceof Error ? err.message : String(err)}\nUsage: lifeline ${name} FILE [--data DIR]`,
      USAGE_EXIT,
    );
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) throw new CliError(`Usage: lifeline ${name} FILE [--data DIR]`, USAGE_EXIT);
  return { file, dataDir: parsed.values.data };
}

function asCliError(err: unknown): never {
  if (err instanceof BackupError) throw new CliError(err.message, 1);
  throw err;
}

export async function backupCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  const { file, dataDir } = parseFileAndData('backup', argv);
  refusePostgres('backup', dataDir);
  const started = Date.now();
  const result = await backupDatabase(dataDir, file).catch(asCliError);
  io.out(
    `backup: ${result.file} (${(result.bytes / 1024).toFixed(0)} KiB, schema ${result.schemaVersion}, ${Date.now() - started} ms)\n`,
  );
  return 0;
}

export async function restoreCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  const { file, dataDir } = parseFileAndData('restore', argv);
  refusePostgres('restore', dataDir);
  let result;
  try {
    result = restoreDatabase(dataDir, file);
  } catch (err) {
    asCliError(err);
  }
  io.out(
    `restored ${file} into ${dataDir} (schema ${result.fromVersion}${result.toVersion !== result.fromVersion ? `, migrated to ${result.toVersion}` : ''})\n`,
  );
  if (result.previous) io.out(`the database it replaced is kept as ${result.previous}\n`);
  return 0;
}
