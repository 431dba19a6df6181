/**
 * The command that brings this helper back into its session after a restart: this executable (one
 * file on Windows and in SEA builds; Node plus the bundle otherwise) with `resume --state-file`.
 * Written into the system's resume-at-login entry (Linux autostart; Windows builds its RunOnce line
 * from the executable itself).
 */
import { helperBundlePath, runsAsOneExecutable } from './bundle-path';

export function helperResumeArgv(stateFile: string): string[] {
  const self = runsAsOneExecutable() ? [process.execPath] : [process.execPath, helperBundlePath()];
  return [...self, 'resume', '--state-file', stateFile];
}
