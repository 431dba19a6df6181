/** Turns node:util parseArgs' errors (unknown option, missing value) into a usage CliError. */
import { CliError, EXIT_USAGE } from '../cli-error';

export function usageError(err: unknown): CliError {
  return new CliError(err instanceof Error ? err.message : String(err), EXIT_USAGE);
}
