/**
 * `lifeline-helper join <code> [--server URL]`: the standalone helper started from a terminal.
 * Validates the join code and the server address, joins through the same session client as
 * native mode, then asks consent in the helper's own window (or the terminal, without a display)
 * and shows the sharing indicator (host/session/standalone-driver.ts) until sharing ends, in the
 * system's language until the session names the customer's. Ctrl+C stops sharing.
 */
import { parseArgs } from 'node:util';
import { JoinCode } from '../../../protocol/helper-channel';
import { ProtocolError } from '../../../protocol/errors';
import { chooseStandaloneUi } from '../../consent/prompts/choose-prompt';
import { errorFacts, errorText } from '../../i18n/error-text';
import { HelperText } from '../../i18n/helper-text';
import { systemLanguage } from '../../i18n/system-language';
import { parseServerUrl } from '../../native/server-url';
import { currentSystem, displayLanguage } from '../../platform/registry';
import { runStandaloneSession } from '../../session/standalone-command';
import { CliError, EXIT_USAGE } from '../cli-error';
import { createSessionClient } from '../create-controller';
import { usageError } from './usage-error';

/** Environment variable naming the server when --server is not given. */
export const SERVER_ENV = 'LIFELINE_SERVER';

export async function joinCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = (() => {
    try {
      return parseArgs({
        args,
        options: { server: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw usageError(err);
    }
  })();
  const [codeText, extra] = parsed.positionals;
  if (codeText === undefined)
    throw new CliError('missing the join code (the agent gives it to you)', EXIT_USAGE);
  if (extra !== undefined) throw new CliError(`unexpected argument "${extra}"`, EXIT_USAGE);
  const code = JoinCode.safeParse(codeText);
  if (!code.success) {
    throw new CliError(
      `"${codeText.slice(0, 80)}" is not a join code: it has 9 digits, e.g. 123-456-789`,
      EXIT_USAGE,
    );
  }
  const serverText = parsed.values.server ?? env[SERVER_ENV];
  if (serverText === undefined) {
    throw new CliError(
      `no server: pass --server https://support.example.com (or set ${SERVER_ENV})`,
      EXIT_USAGE,
    );
  }
  let server: string;
  try {
    server = parseServerUrl(serverText);
  } catch (err) {
    if (err instanceof ProtocolError) throw new CliError(err.message, EXIT_USAGE);
    throw err;
  }

  const log = (line: string) => process.stderr.write(`lifeline-helper: ${line}\n`);
  const client = createSessionClient(log);
  const text = new HelperText(
    systemLanguage(env, undefined, () => displayLanguage({ ...currentSystem(), env })),
  );
  const ui = await chooseStandaloneUi(text, () => void client.stop().catch(() => undefined), { env });
  const shown = code.data.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1-$2-$3');
  ui.say(text.t('line.connecting', { server, code: shown }));
  try {
    return (await runStandaloneSession(client, ui, () => client.join({ server, joinCode: code.data })))
      .exitCode;
  } catch (err) {
    if (err instanceof ProtocolError)
      throw new CliError(errorText(text, err.code, errorFacts(err, { server })));
    throw err;
  } finally {
    await ui.close();
  }
}
