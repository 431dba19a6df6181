/** An error a CLI command reports to the user in words (no stack trace), with its exit code. */
export const USAGE_EXIT = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}
