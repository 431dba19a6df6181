/**
 * `lifeline-helper resume [--state-file FILE]`: comes back into the session the last helper saved
 * (host/session/resume-state-file.ts: server, resume token and the consent given, 0600, refreshed
 * while that helper was connected): after a reboot, a crash, a kill or a closed terminal. The
 * consent the customer gave is taken back as it was (the indicator shows it; stop works as
 * always); if none was given, it is asked now. Uploads the last helper was receiving go on from
 * the bytes on disk. The new helper keeps the state file current (a resume token works once).
 */
import { parseArgs } from 'node:util';
import { ProtocolError } from '../../../protocol/errors';
import { chooseStandaloneUi } from '../../consent/prompts/choose-prompt';
import { errorText } from '../../i18n/error-text';
import { HelperText } from '../../i18n/helper-text';
import { systemLanguage } from '../../i18n/system-language';
import { currentSystem, displayLanguage, resumeAtLogin } from '../../platform/registry';
import { defaultStateFile, readResumeState } from '../../session/resume-state-file';
import { runStandaloneSession } from '../../session/standalone-command';
import { CliError, EXIT_USAGE } from '../cli-error';
import { createSessionClient } from '../create-controller';
import { usageError } from './usage-error';

export async function resumeCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = (() => {
    try {
      return parseArgs({ args, options: { 'state-file': { type: 'string' } }, strict: true });
    } catch (err) {
      throw usageError(err);
    }
  })();
  const file = parsed.values['state-file'] ?? defaultStateFile({ ...currentSystem(), env });
  let state;
  try {
    state = await readResumeState(file);
  } catch (err) {
    // Nothing to resume: an autostart entry left from a restart has nothing more to do.
    await resumeAtLogin({ ...currentSystem(), env })
      ?.remove()
      .catch(() => undefined);
    if (err instanceof ProtocolError)
      throw new CliError(err.message, err.code === 'bad_request' ? EXIT_USAGE : 1);
    throw err;
  }
  const log = (line: string) => process.stderr.write(`lifeline-helper: ${line}\n`);
  const client = createSessionClient(log, { stateFile: file });
  const text = new HelperText(
    systemLanguage(env, undefined, () => displayLanguage({ ...currentSystem(), env })),
  );
  const ui = await chooseStandaloneUi(text, () => void client.stop().catch(() => undefined), { env });
  ui.say(text.t('line.resuming', { server: state.server }));
  try {
    const result = await runStandaloneSession(
      client,
      ui,
      () =>
        client.resume({
          server: state.server,
          resumeToken: state.resumeToken,
          ...(state.consent ? { consent: state.consent } : {}),
        }),
      { consentGiven: state.consent !== undefined },
    );
    return result.exitCode;
  } catch (err) {
    if (err instanceof ProtocolError) throw new CliError(errorText(text, err.code, { server: state.server }));
    throw err;
  } finally {
    await ui.close();
  }
}
