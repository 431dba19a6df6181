/**
 * The one place that chooses the HelperController both modes drive: the session client
 * (host/session/session-client.ts), which connects to the server, asks consent and shares the
 * screen. Native mode gets it as a HelperController (the extension's window asks and calls
 * consent()); the standalone commands (`join`, `resume`) get the SessionClient itself, for its
 * notices (security code, reconnects) and its `ended` promise. Both know how they are resumed after a
 * restart (resume-argv.ts), so the Linux autostart entry works in native mode too.
 */
import type { HelperController } from '../native/helper-controller';
import { SessionClient } from '../session/session-client';
import { defaultStateFile } from '../session/resume-state-file';
import { helperResumeArgv } from './resume-argv';
import { HELPER_VERSION } from './version';

export function createSessionClient(
  log: (line: string) => void,
  options: { stateFile?: string } = {},
): SessionClient {
  const stateFile = options.stateFile ?? defaultStateFile();
  return new SessionClient({
    version: HELPER_VERSION,
    log,
    stateFile,
    resumeArgv: helperResumeArgv(stateFile),
  });
}

export function createHelperController(log: (line: string) => void): HelperController {
  return createSessionClient(log);
}
