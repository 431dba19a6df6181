/**
 * The standalone helper's conversation with the customer around a SessionClient: asks consent
 * for each agent that arrives (a desktop dialog or the terminal, host/consent/prompts/), shows
 * the sharing indicator while anything is shared (its "stop" calls stop(); it shows each viewer's
 * security code and the pause too), prints the security code (SAS) of each viewer as it is
 * agreed so the customer can compare it with the agent's, and reports
 * reconnects, refusals, file transfers (what is written where, with progress) and the end. Consent is never assumed: with no way to ask, it says so and
 * stops. Resolves with the session's last notice once the session has ended.
 */
import type { Grants } from '../../protocol/common';
import { describeGrants } from '../consent/prompts/consent-prompt';
import type { StandaloneUi } from '../consent/prompts/choose-prompt';
import { TransferLines } from './file-transfer/transfer-lines';
import type { SessionClient, SessionNotice } from './session-client';

export type EndNotice = Extract<SessionNotice, { type: 'ended' }>;

export async function runStandalone(
  client: SessionClient,
  ui: StandaloneUi,
  out: (line: string) => void,
  /** Questions wait for this (the join's own messages come first); subscribe before joining. */
  started: Promise<unknown> = Promise.resolve(),
): Promise<EndNotice> {
  let asking: Promise<unknown> = started.catch(() => undefined);
  // A function, not a narrowed read: the state changes across the awaits below.
  const isEnded = () => client.state === 'ended';
  let end: EndNotice = { type: 'ended', code: null, message: 'sharing ended' };

  const offEvents = client.onEvent((event) => {
    if (event.type === 'host.consent_needed') {
      const prompt = ui.prompt;
      if (!prompt) {
        out(
          `${event.agentName} asks to see this screen, but this helper has no way to ask you ` +
            '(no desktop dialog and no terminal). Nothing is shared; start it from a terminal.',
        );
        void client.stop().catch(() => undefined);
        return;
      }
      // One question at a time, in the order agents arrived.
      asking = asking.then(async () => {
        if (isEnded()) return;
        let grants: Grants;
        try {
          grants = await prompt.ask({ agentName: event.agentName, requested: event.requested });
        } catch (err) {
          out(
            `could not ask for consent (${err instanceof Error ? err.message : String(err)}); nothing is shared`,
          );
          await client.stop().catch(() => undefined);
          return;
        }
        if (isEnded()) return;
        await client.consent(grants);
        out(`You allowed: ${describeGrants(grants)}.`);
      });
      return;
    }
    const anything = Object.values(event.grants).some(Boolean);
    if (anything && event.state !== 'ended')
      ui.indicator.show({
        agentNames: event.agentNames,
        grants: event.grants,
        codes: event.viewers ?? [],
        paused: event.state === 'paused',
      });
    else ui.indicator.hide();
  });

  const transfers = new TransferLines();
  const offNotices = client.onNotice((n) => {
    switch (n.type) {
      case 'file': {
        const line = transfers.line(n.transfer);
        if (line !== null) out(line);
        return;
      }
      case 'viewer.ready':
        out(
          `Security code with ${n.agentName}: ${n.sas}. The agent sees the same code; if not, stop sharing.`,
        );
        return;
      case 'viewer.left':
        out(`${n.agentName} closed the viewer.`);
        return;
      case 'reconnecting':
        if (n.attempt === 1) out('Connection lost; reconnecting...');
        return;
      case 'rebooting':
        out("Restarting this computer at the agent's request; the session resumes after the restart.");
        return;
      case 'refused':
        out(`Refused ${n.request}: ${n.message}`);
        return;
      case 'consent.restored':
        out(
          `Back in the session. You allowed earlier: ${describeGrants(n.grants)}` +
            ` (${n.agentNames.join(', ')}); stop sharing at any time.`,
        );
        return;
      case 'ended':
        end = n;
        return;
    }
  });

  await client.ended;
  await asking.catch(() => undefined);
  offEvents();
  offNotices();
  ui.indicator.hide();
  out(end.message.charAt(0).toUpperCase() + end.message.slice(1) + '.');
  return end;
}
