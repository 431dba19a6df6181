/**
 * The standalone helper's conversation with the customer around a SessionClient: asks consent
 * for each agent that arrives (the helper's own window, or the terminal: host/consent/prompts/),
 * shows the sharing indicator while anything is shared (its "stop" calls stop(); it shows each
 * viewer's security code and the pause too), says the security code (SAS) of each viewer as it is
 * agreed so the customer can compare it with the agent's, and reports reconnects, refusals, file
 * transfers (what is written where, with progress), the plain background (asked in the consent
 * window or the terminal, then said in a line and in the indicator) and the end, all in the customer's language
 * (ui.text). A decline or a closed consent window is reported to the server, which tells the
 * agent and the page. Consent is never assumed: with no way to ask, it says so and stops. When
 * the session ends (the agent or the customer ended the chat) a question still open is withdrawn.
 * Resolves with the session's last notice once the session has ended.
 */
import type { HelperKey } from '../i18n/helper-text';
import type { StandaloneUi } from '../consent/prompts/choose-prompt';
import { errorText } from '../i18n/error-text';
import { terminalBackgroundQuestion, windowBackgroundQuestion } from '../consent/prompts/background-question';
import type { SharingState } from '../consent/prompts/sharing-indicator';
import os from 'node:os';
import { offerAnswerLine, runOfferLine } from './file-transfer/offer-command';
import { OfferWindow } from './file-transfer/offer-window';
import { TransferLines } from './file-transfer/transfer-lines';
import type { EndReason, SessionClient, SessionNotice } from './session-client';

export type EndNotice = Extract<SessionNotice, { type: 'ended' }>;

const END_WORDS: Record<Exclude<EndReason, 'failed'>, HelperKey> = {
  stopped: 'end.stopped',
  declined: 'end.declined',
  closed: 'end.closed',
  you_ended: 'end.youEnded',
  session_ended: 'end.sessionEnded',
  lost: 'end.lost',
  reconnect_expired: 'end.reconnectExpired',
};

/** The customer's sentence for how the session ended. */
export function endText(ui: Pick<StandaloneUi, 'text'>, end: EndNotice, server?: string): string {
  if (end.reason !== 'failed') return ui.text.t(END_WORDS[end.reason]);
  return ui.text.t('end.failed', {
    message: end.code ? errorText(ui.text, end.code, server ? { server } : {}) : end.message,
  });
}

export async function runStandalone(
  client: SessionClient,
  ui: StandaloneUi,
  /** Questions wait for this (the join's own messages come first); subscribe before joining. */
  started: Promise<unknown> = Promise.resolve(),
): Promise<EndNotice> {
  const t = ui.text;
  let asking: Promise<unknown> = started.catch(() => undefined);
  // A function, not a narrowed read: the state changes across the awaits below.
  const isEnded = () => client.state === 'ended';
  let end: EndNotice = { type: 'ended', code: null, message: 'sharing ended', reason: 'stopped' };
  // The plain background is asked where consent is: the helper's window, else the terminal.
  client.askBackgroundWith(
    ui.dialogs
      ? windowBackgroundQuestion(ui.dialogs, t)
      : ui.tty
        ? terminalBackgroundQuestion(ui.tty, t)
        : null,
  );
  // "Send a file to the agent..." in a window, where the system has windows and a file chooser.
  const offerWindow =
    ui.dialogs && ui.fileChooser
      ? new OfferWindow({
          dialogs: ui.dialogs,
          chooser: ui.fileChooser,
          text: t,
          files: () => client.fileTransfers,
          startDir: os.homedir(),
        })
      : null;
  let shown: SharingState | null = null;
  let plain = false;
  const showIndicator = () => {
    if (shown) ui.indicator.show({ ...shown, plainBackground: plain });
    else ui.indicator.hide();
  };

  const offEvents = client.onEvent((event) => {
    if (event.type === 'host.consent_needed') {
      const prompt = ui.prompt;
      if (!prompt) {
        ui.say(t.t('line.noWayToAsk', { agent: event.agentName }));
        void client.stop().catch(() => undefined);
        return;
      }
      // One question at a time, in the order agents arrived.
      asking = asking.then(async () => {
        if (isEnded()) return;
        let answer;
        try {
          answer = await prompt.ask({ agentName: event.agentName, requested: event.requested });
        } catch (err) {
          ui.say(t.t('line.askFailed', { error: err instanceof Error ? err.message : String(err) }));
          await client.stop().catch(() => undefined);
          return;
        }
        if (isEnded() || answer.kind === 'cancelled') return;
        if (answer.kind === 'allowed') {
          await client.consent(answer.grants);
          ui.say(t.t('line.allowed', { grants: t.grants(answer.grants) }));
          if (answer.grants.files && ui.tty) ui.say(t.t('line.offerHint'));
        } else {
          await client.decline(answer.kind).catch(() => undefined);
        }
      });
      return;
    }
    const anything = Object.values(event.grants).some(Boolean);
    shown =
      anything && event.state !== 'ended'
        ? {
            agentNames: event.agentNames,
            grants: event.grants,
            codes: event.viewers ?? [],
            paused: event.state === 'paused',
          }
        : null;
    showIndicator();
    offerWindow?.setAvailable(
      event.grants.files && event.state !== 'ended' && event.agentNames.length > 0,
      event.agentNames,
    );
  });

  // "send <path>" on the terminal offers a file to the agent (host/session/file-transfer/offer-command.ts).
  const offLines =
    ui.tty?.onLine((line) => {
      let said: string | undefined;
      const say = (l: string) => {
        said = l;
        ui.say(l);
      };
      void runOfferLine(line, { text: t, say, files: () => client.fileTransfers }).then((handled) => {
        if (handled) offerWindow?.sync(said);
      });
    }) ?? (() => undefined);
  const transfers = new TransferLines(t);
  const offNotices = client.onNotice((n) => {
    switch (n.type) {
      case 'file': {
        const line = transfers.line(n.transfer);
        if (line !== null) ui.say(line);
        return;
      }
      case 'viewer.ready':
        ui.say(t.t('line.sas', { agent: n.agentName, sas: n.sas }));
        return;
      case 'viewer.left':
        ui.say(t.t('line.viewerLeft', { agent: n.agentName }));
        return;
      case 'reconnecting':
        if (n.attempt === 1) ui.say(t.t('line.reconnecting'));
        return;
      case 'background':
        if (n.state === 'asking') return;
        if (plain !== (n.state === 'on'))
          ui.say(t.t(n.state === 'on' ? 'line.backgroundOn' : 'line.backgroundOff'));
        plain = n.state === 'on';
        showIndicator();
        return;
      case 'file.offer':
        ui.say(offerAnswerLine(t, n.offer));
        offerWindow?.answered(n.offer);
        return;
      case 'rebooting':
        ui.say(t.t('line.rebooting'));
        return;
      case 'refused':
        ui.say(t.t('line.refused', { request: n.request, message: n.message }));
        return;
      case 'consent.restored':
        ui.say(t.t('line.consentRestored', { grants: t.grants(n.grants), agents: t.names(n.agentNames) }));
        return;
      case 'ended':
        end = n;
        return;
    }
  });

  await client.ended;
  // The chat ended (or sharing stopped) while a question was open: it goes away unanswered.
  ui.prompt?.cancel();
  await asking.catch(() => undefined);
  offEvents();
  offNotices();
  offLines();
  offerWindow?.close();
  ui.indicator.hide();
  ui.say(endText(ui, end));
  return end;
}
