/**
 * How the standalone helper asks the customer for consent. One question per agent lists every
 * capability the agent requests, each answered separately (view, control, clipboard, files,
 * reboot); whatever is not explicitly allowed stays refused. The answer says what the customer
 * did, so the agent and the page can be told in words: allowed (some grants), declined, or closed
 * the question without answering; `cancelled` is the helper withdrawing the question itself (the
 * session ended meanwhile), which is reported to nobody. The words come from host/i18n in the
 * customer's language. Native mode never uses these: there the extension's window asks.
 */
import { NO_GRANTS, type Grants } from '../../../protocol/common';
import { CAPABILITIES, type Capability } from '../../i18n/helper-text';

export interface ConsentRequest {
  agentName: string;
  requested: Grants;
}

export type ConsentAnswer =
  { kind: 'allowed'; grants: Grants } | { kind: 'declined' } | { kind: 'closed' } | { kind: 'cancelled' };

export interface ConsentPrompt {
  /** Where the question appears: the helper's own window or a native one, or the terminal. */
  readonly kind: 'window' | 'terminal';
  ask(request: ConsentRequest): Promise<ConsentAnswer>;
  /** Withdraws a question still open (it resolves `cancelled`); later questions are asked. */
  cancel(): void;
  /** Withdraws the open question and frees what the prompt holds; later questions are cancelled. */
  close(): void;
}

/** The capabilities of `requested` that are asked, in a fixed order. */
export function requestedCapabilities(requested: Grants): Capability[] {
  return CAPABILITIES.filter((c) => requested[c]);
}

/** Grants from the names the customer ticked, limited to what was requested. */
export function grantsFrom(allowed: Iterable<string>, requested: Grants): Grants {
  const grants = { ...NO_GRANTS };
  for (const name of allowed) {
    if ((CAPABILITIES as readonly string[]).includes(name) && requested[name as Capability]) {
      grants[name as Capability] = true;
    }
  }
  return grants;
}

/** The answer for what was ticked: allowed when anything is, declined when nothing is. */
export function answerFor(grants: Grants): ConsentAnswer {
  return Object.values(grants).some(Boolean) ? { kind: 'allowed', grants } : { kind: 'declined' };
}
