/**
 * `lifeline-helper resume [--state-file FILE]`: comes back into the session saved before a reboot
 * (host/session/resume-state-file.ts: server and resume token, 0600, at most 10 minutes old),
 * asks consent again (a restarted helper never assumes the old answer) and shares until the end.
 * The saved state is deleted once the server has taken it: a resume token works once.
 */
import { parseArgs } from 'node:util';
import { ProtocolError } from '../../../protocol/errors';
import { defaultStateFile, deleteResumeState, readResumeState } from '../../session/resume-state-file';
import { chooseStandaloneUi } from '../../consent/prompts/choose-prompt';
import { errorText } from '../../i18n/error-text';
import { HelperText } from '../../i18n/helper-text';
import { systemLanguage } from '../../i18n/system-language';
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
  const file = parsed.values['state-file'] ?? defaultStateFile(env);
  let state;
  try {
    state = await readResumeState(file);
  } catch (err) {
    if (err instanceof ProtocolError)
      throw new CliError(err.message, err.code === 'bad_request' ? EXIT_USAGE : 1);
    throw err;
  }
  const log = (line: string) => process.stderr.write(`lifeline-helper: ${line}\n`);
  const client = createSessionClient(log, { stateFile: file });
  const text = new HelperText(systemLanguage(env));
  const ui = await chooseStandaloneUi(text, () => void client.stop().catch(() => undefined), { env });
  ui.say(text.t('line.resuming', { server: state.server }));
  try {
    const result = await runStandaloneSession(client, ui, async () => {
      await client.resume({ server: state.server, resumeToken: state.resumeToken });
      await deleteResumeState(file);
    });
    return result.exitCode;
  } catch (err) {
    if (err instanceof ProtocolError) throw new CliError(errorText(text, err.code, { server: state.server }));
    throw err;
  } finally {
    await ui.close();
  }
}
