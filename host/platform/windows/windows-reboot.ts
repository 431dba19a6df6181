/**
 * Reboots Windows after the customer allowed it, so that the session comes back by itself: first a
 * RunOnce entry (per user: HKCU\...\RunOnce, run once at the customer's next logon, then deleted by
 * Windows) that starts this very executable with `resume`, then `shutdown /r /t 0` (run directly,
 * no shell). When Windows refuses the restart, the RunOnce entry is taken back and the refusal
 * comes back to the agent with its reason.
 */
import { ProtocolError } from '../../../protocol/errors';
import { execFileRunner, type CommandRunner } from '../command-runner';
import { deleteValue, writeString } from './win-registry';

export const RUN_ONCE_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce';
export const RUN_ONCE_VALUE = 'LifelineResume';

/** The command line RunOnce runs: the helper's executable, quoted, with `resume`. */
export function resumeCommandLine(executable: string): string {
  return `"${executable.replaceAll('"', '')}" resume`;
}

export async function rebootWindows(executable: string, run: CommandRunner = execFileRunner): Promise<void> {
  writeString(RUN_ONCE_KEY, RUN_ONCE_VALUE, resumeCommandLine(executable));
  const result = await run('shutdown', ['/r', '/t', '0']);
  if (result.code === 0) return;
  deleteValue(RUN_ONCE_KEY, RUN_ONCE_VALUE);
  const detail = result.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
  if (result.spawnError === 'ENOENT') {
    throw new ProtocolError(
      'feature_disabled',
      'this Windows has no shutdown command: restart it from the Start menu',
    );
  }
  if (/access|denied|privilege|1314|5\b/i.test(result.stderr)) {
    throw new ProtocolError('forbidden', `this account is not allowed to restart the computer (${detail})`);
  }
  throw new ProtocolError(
    'internal_error',
    `shutdown /r failed${result.code !== null ? ` with exit code ${result.code}` : ''}${detail ? `: ${detail}` : ''}`,
  );
}
