/**
 * Reboots a Linux machine with `systemctl reboot` (run directly, no shell). Where the customer's
 * account may not reboot (no polkit rule, no logind session), systemctl says so and we turn that
 * into a clear `forbidden` error instead of a raw exit code. The runner is injectable so tests can
 * check the error handling without rebooting the machine they run on.
 */
import { execFile } from 'node:child_process';
import { ProtocolError } from '../../../protocol/errors';

/** How long systemctl may take to accept the reboot request, in ms. */
const REBOOT_COMMAND_TIMEOUT_MS = 30_000;

export interface CommandResult {
  /** Exit code, or null when the command could not start or was killed. */
  code: number | null;
  stderr: string;
  /** Set when the command could not be started (ENOENT...). */
  spawnError?: string;
}

export type CommandRunner = (command: string, args: string[]) => Promise<CommandResult>;

export const execFileRunner: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: REBOOT_COMMAND_TIMEOUT_MS, windowsHide: true },
      (err, _stdout, stderr) => {
        if (!err) return resolve({ code: 0, stderr: String(stderr) });
        const e = err as NodeJS.ErrnoException & { code?: unknown };
        if (typeof e.code === 'string')
          return resolve({ code: null, stderr: String(stderr), spawnError: e.code });
        resolve({ code: typeof e.code === 'number' ? e.code : null, stderr: String(stderr) });
      },
    );
  });

const NOT_PERMITTED =
  /access denied|not authori[sz]ed|interactive authentication required|permission denied|must be root/i;

export async function rebootLinux(run: CommandRunner = execFileRunner): Promise<void> {
  const result = await run('systemctl', ['reboot']);
  if (result.code === 0) return;
  const detail = result.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
  if (result.spawnError === 'ENOENT') {
    throw new ProtocolError('feature_disabled', 'this system has no systemctl: reboot it from its own menu');
  }
  if (NOT_PERMITTED.test(result.stderr)) {
    throw new ProtocolError('forbidden', `this account is not allowed to reboot the computer (${detail})`);
  }
  throw new ProtocolError(
    'internal_error',
    `systemctl reboot failed${result.code !== null ? ` with exit code ${result.code}` : ''}${detail ? `: ${detail}` : ''}`,
  );
}
