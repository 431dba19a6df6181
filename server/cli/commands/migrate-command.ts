/**
 * `lifeline migrate [--store sqlite|postgres://...] [--data DIR]`: brings the store's schema up
 * to date and exits (exit 1 with the reason when the store cannot be reached).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from '../../config';
import { migrateStore } from '../../store/migrate-store';
import { chooseStore, describeStore, STORE_ENV } from '../../store/open-store';
import { CliError, USAGE_EXIT } from '../cli-error';
import { processIo, type CliIo } from './cli-io';

export async function migrateCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { data: { type: 'string', default: DEFAULT_DATA_DIR }, store: { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    throw new CliError(
      `${err instanceof Error ? err.message : String(err)}\nUsage: lifeline migrate [--store S] [--data DIR]`,
      USAGE_EXIT,
    );
  }
  const choice = storeChoiceOrUsage(values.store, values.data);
  const { before, after } = await migrateStore(choice).catch((err: unknown) => {
    throw new CliError(`${describeStore(choice)}: ${err instanceof Error ? err.message : String(err)}`, 1);
  });
  io.out(
    before === after
      ? `${describeStore(choice)}: schema version ${after}, up to date\n`
      : `${describeStore(choice)}: schema version ${before} -> ${after}\n`,
  );
  return 0;
}

/** `--store`'s value, else LIFELINE_STORE's, as a store choice; a bad value is a usage error. */
export function storeChoiceOrUsage(flag: string | undefined, dataDir: string) {
  try {
    return chooseStore(flag ?? process.env[STORE_ENV], dataDir);
  } catch (err) {
    throw new CliError(`--store: ${err instanceof Error ? err.message : String(err)}`, USAGE_EXIT);
  }
}
