/**
 * What `lifeline-helper join` and `resume` share once their arguments are checked: pick the
 * consent prompt and the indicators (host/consent/prompts/choose-prompt.ts), start the session
 * (join or resume), run the conversation with the customer until sharing ends, and clean up.
 * Ctrl+C or SIGTERM stops sharing (helper.stop) before the process exits. A session that cannot
 * start throws the session client's ProtocolError (the command turns it into a clear message).
 *
 * Returns the process exit code: 0 when sharing ended normally (stopped, session over), 1 when
 * it ended on an error (lost for good, resume refused).
 */
import { ProtocolError } from '../../protocol/errors';
import { chooseStandaloneUi, type ChooseOptions } from '../consent/prompts/choose-prompt';
import type { SessionClient } from './session-client';
import { runStandalone } from './standalone-driver';

export async function runStandaloneSession(
  client: SessionClient,
  start: () => Promise<unknown>,
  env: NodeJS.ProcessEnv,
  options: Omit<ChooseOptions, 'env'> & {
    /** The customer already answered (a resumed session): no "nothing is shared until you agree". */
    consentGiven?: boolean;
  } = {},
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const { consentGiven: _given, ...choose } = options;
  const ui = await chooseStandaloneUi(() => void client.stop().catch(() => undefined), { ...choose, env });
  const onSignal = () => void client.stop().catch(() => undefined);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // Subscribed before joining: the welcome may already name an agent whose consent is needed.
    let announced!: () => void;
    const connected = new Promise<void>((resolve) => (announced = resolve));
    const done = runStandalone(client, ui, out, connected);
    try {
      await start();
    } catch (err) {
      announced();
      await done;
      if (err instanceof ProtocolError) throw err;
      throw new ProtocolError('internal_error', err instanceof Error ? err.message : String(err));
    }
    if (!options.consentGiven) {
      out(
        'Connected. Nothing is shared until you agree: you will be asked when the agent opens the viewer' +
          (ui.prompt ? ` (${ui.prompt.kind === 'terminal' ? 'here' : 'in a dialog'}).` : '.'),
      );
    }
    announced();
    const end = await done;
    return end.code === null || end.code === 'session_ended' ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    ui.close();
    await client.close();
  }
}
