/**
 * `lifeline-helper` with no arguments: what a double-click in a file manager runs (no terminal,
 * nothing typed). Reads the trailer of the helper's own file (the server, the ticket binding it to
 * the customer's request, their language), then runs the launch flow (host/launch/launch-flow.ts):
 * join with the ticket, else the window that asks for the code, then consent in the helper's own
 * window. LIFELINE_SERVER names the server for a helper without a trailer.
 */
import { ProtocolError } from '../../../protocol/errors';
import { chooseStandaloneUi } from '../../consent/prompts/choose-prompt';
import { HelperText } from '../../i18n/helper-text';
import { systemLanguage } from '../../i18n/system-language';
import { ConsoleCode } from '../../launch/console-code';
import { launch } from '../../launch/launch-flow';
import { ownFile, readTrailer } from '../../launch/own-trailer';
import { parseServerUrl } from '../../native/server-url';
import { currentSystem, dialogHost, displayLanguage, systemName } from '../../platform/registry';
import { createSessionClient } from '../create-controller';
import { SERVER_ENV } from './join-command';

export async function startCommand(_args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const log = (line: string) => process.stderr.write(`lifeline-helper: ${line}\n`);
  const file = ownFile(env);
  let trailer = null;
  if (file) {
    try {
      trailer = readTrailer(file);
    } catch (err) {
      log(`ignored a damaged download trailer (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  const text = new HelperText(
    trailer?.language ?? systemLanguage(env, undefined, () => displayLanguage({ ...currentSystem(), env })),
  );
  let server: string | null = null;
  const serverText = trailer?.server ?? env[SERVER_ENV];
  if (serverText) {
    try {
      server = parseServerUrl(serverText);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      log(`ignored the server address ${JSON.stringify(serverText.slice(0, 100))}: ${err.message}`);
    }
  }
  const system = { ...currentSystem(), env };
  const dialogs = dialogHost(system);
  return launch({
    server,
    trailer,
    text,
    dialogs,
    newClient: () => createSessionClient(log),
    ui: (stop) => chooseStandaloneUi(text, stop, { env, dialogs }),
    systemName: systemName(system),
    stderr: (line) => process.stderr.write(`${line}\n`),
    // A console to type in (the .exe's console window, a terminal): the code is asked there.
    console: process.stdin.isTTY
      ? (firstError) => new ConsoleCode(text, process.stdin, process.stdout, firstError)
      : null,
  });
}
