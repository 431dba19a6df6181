/**
 * What `lifeline-helper join`, `resume` and the double-clicked helper share once they know how
 * to reach the session: pick the consent prompt and the indicators (host/consent/prompts/
 * choose-prompt.ts), start the session (join, ticket or resume), run the conversation with the
 * customer until sharing ends, and clean up. Ctrl+C or SIGTERM stops sharing (helper.stop) before
 * the process exits. A session that cannot start throws the session client's ProtocolError (the
 * caller says it in words). The language switches to the customer's as soon as the welcome
 * names it.
 *
 * Returns the process exit code: 0 when sharing ended normally (stopped, declined, session over),
 * 1 when it ended on an error (lost for good, resume refused).
 */
import { ProtocolError } from '../../protocol/errors';
import type { StandaloneUi } from '../consent/prompts/choose-prompt';
import type { SessionClient } from './session-client';
import { runStandalone, type EndNotice } from './standalone-driver';

export async function runStandaloneSession(
  client: SessionClient,
  ui: StandaloneUi,
  start: () => Promise<unknown>,
  options: {
    /** Called once the session is joined (the code window closes then). */
    onJoined?: () => void;
    /** The customer already answered (a resumed session): no "nothing is shared until you agree". */
    consentGiven?: boolean;
  } = {},
): Promise<{ exitCode: number; end: EndNotice }> {
  const onSignal = () => void client.stop().catch(() => undefined);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // Subscribed before joining: the welcome may already name an agent whose consent is needed.
    let announced!: () => void;
    const connected = new Promise<void>((resolve) => (announced = resolve));
    const done = runStandalone(client, ui, connected);
    try {
      await start();
    } catch (err) {
      announced();
      await done;
      if (err instanceof ProtocolError) throw err;
      throw new ProtocolError('internal_error', err instanceof Error ? err.message : String(err));
    }
    if (client.language) ui.text.setLanguage(client.language);
    options.onJoined?.();
    if (ui.prompt && !options.consentGiven)
      ui.say(ui.text.t(ui.prompt.kind === 'terminal' ? 'line.connectedHere' : 'line.connectedWindow'));
    announced();
    const end = await done;
    return { exitCode: end.code === null || end.code === 'session_ended' ? 0 : 1, end };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await client.close();
  }
}
