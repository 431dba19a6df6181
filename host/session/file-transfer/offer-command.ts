/**
 * The customer offers a file to the agent from the standalone helper's terminal: the line
 * "send <path>" (or "envoyer <path>") names a file on their disk; the helper offers it
 * (FileTransferService.offerFile: inside the places only, nothing read before the agent accepts)
 * and says, in the customer's language, that it is offered, why it cannot be, and then the
 * agent's answer (accepted: the transfer lines follow; declined: nothing was sent). The line
 * "cancel" (or "annuler") withdraws the offer while the agent has not answered.
 */
import path from 'node:path';
import { ProtocolError } from '../../../protocol/errors';
import type { HelperText } from '../../i18n/helper-text';
import type { OfferEvent } from './customer-offer';
import type { FileTransferService } from './file-transfer-service';

const SEND_LINE = /^\s*(?:send|envoyer)\s+(.+?)\s*$/iu;
const WITHDRAW_LINE = /^\s*(?:cancel|annuler)\s*$/iu;

/** The path a "send <path>" line names (quotes around it removed), or null for any other line. */
export function offerPath(line: string): string | null {
  const m = SEND_LINE.exec(line);
  if (!m) return null;
  const p = m[1]!.replace(/^(["'])(.*)\1$/u, '$2');
  return p === '' ? null : p;
}

export interface OfferCommandDeps {
  text: HelperText;
  say(line: string): void;
  /** The session's file service (null before join or on a system without one). */
  files(): FileTransferService | null;
}

/** The customer withdraws the pending offer; the line that says what happened. */
export function withdrawOffer(text: HelperText, service: FileTransferService | null): string {
  const name = service?.withdrawOffer() ?? null;
  return name === null ? text.t('line.offerNoneToWithdraw') : text.t('line.offerWithdrawn', { name });
}

/** Handles one terminal line; true when it was a "send" or "cancel" line. */
export async function runOfferLine(line: string, deps: OfferCommandDeps): Promise<boolean> {
  if (WITHDRAW_LINE.test(line)) {
    deps.say(withdrawOffer(deps.text, deps.files()));
    return true;
  }
  const file = offerPath(line);
  if (file === null) return false;
  const t = deps.text;
  const name = path.basename(file);
  const service = deps.files();
  if (!service?.agentLinked) {
    deps.say(t.t('line.offerNoAgent'));
    return true;
  }
  try {
    await service.offerFile(file);
    deps.say(t.t('line.offerSent', { name }));
  } catch (err) {
    deps.say(offerRefusedLine(t, err, file));
  }
  return true;
}

/** Why the file at `file` could not be offered, in the customer's words. */
export function offerRefusedLine(t: HelperText, err: unknown, file: string): string {
  const name = path.basename(file);
  const code = err instanceof ProtocolError ? err.code : 'internal_error';
  const key =
    code === 'forbidden'
      ? 'line.offerOutside'
      : code === 'not_found'
        ? 'line.offerNotFound'
        : code === 'consent_required'
          ? 'line.offerNotAllowed'
          : code === 'unavailable'
            ? 'line.offerPending'
            : null;
  return key
    ? t.t(key, { name, path: file })
    : t.t('line.offerFailed', { message: err instanceof Error ? err.message : String(err) });
}

/** The customer's line for the agent's answer. */
export function offerAnswerLine(text: HelperText, e: OfferEvent): string {
  return e.answer === 'accepted'
    ? text.t('line.offerAccepted', { name: e.name, agent: e.agentName ?? '' })
    : text.t('line.offerDeclined', { name: e.name });
}
