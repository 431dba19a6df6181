/**
 * Exit codes of `lifeline-helper` and the error a command throws to report a failure in words
 * (no stack trace). NATIVE_EXIT_PROTOCOL (3) comes from host/native/native-host.ts.
 */
export const EXIT_OK = 0;
/** The command could not do its job (permissions, missing bundle, refused caller, ...). */
export const EXIT_FAILED = 1;
/** Wrong arguments: the message says which and the usage follows. */
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
