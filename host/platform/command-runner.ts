/**
 * Runs a system program directly (never through a shell) and reports its exit code and stderr;
 * the platforms' reboot and the desktop background settings (gsettings, KDE's D-Bus) go through it. Injectable (LoadOptions.runCommand) so tests can check
 * the error handling without rebooting the machine they run on.
 */
import { execFile } from 'node:child_process';

/** How long a system command may take (a reboot request is accepted in well under this), in ms. */
const COMMAND_TIMEOUT_MS = 30_000;

export interface CommandResult {
  /** Exit code, or null when the command could not start or was killed. */
  code: number | null;
  stderr: string;
  /** What it printed (for commands that answer, such as `gsettings get`). */
  stdout?: string;
  /** Set when the command could not be started (ENOENT...). */
  spawnError?: string;
}

export type CommandRunner = (command: string, args: string[]) => Promise<CommandResult>;

export const execFileRunner: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, windowsHide: true }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stderr: String(stderr), stdout: String(stdout) });
      const e = err as NodeJS.ErrnoException & { code?: unknown };
      if (typeof e.code === 'string')
        return resolve({ code: null, stderr: String(stderr), spawnError: e.code });
      resolve({ code: typeof e.code === 'number' ? e.code : null, stderr: String(stderr) });
    });
  });
