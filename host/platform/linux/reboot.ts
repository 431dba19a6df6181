/**
 * Reboots a Linux machine with `systemctl reboot` (run directly, no shell). Where the customer's
 * account may not reboot (no polkit rule, no logind session), systemctl says so and we turn that
 * into a clear `forbidden` error instead of a raw exit code. The runner is injectable so tests can
 * check the error handling without rebooting the machine they run on.
 */
import { ProtocolError } from '../../../protocol/errors';
import { execFileRunner, type CommandRunner } from '../command-runner';

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
