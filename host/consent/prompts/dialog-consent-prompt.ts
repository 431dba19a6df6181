/**
 * The consent question in the helper's own window (a DialogHost from the platform registry: on
 * Windows a native window on top of every other and focused when it opens): the agent's name, one
 * box per requested capability, none ticked, "Decline" and "Allow" (Allow disabled until a box is
 * ticked), in the customer's language. Only what is ticked when Allow is clicked is granted;
 * Decline, Escape and the close box grant nothing, and so does close() while it is open (the
 * session ended). `answered` says which it was, for whoever tells the agent in words.
 */
import { NO_GRANTS, type Grants } from '../../../protocol/common';
import type { Dialog, DialogHost, DialogSpec } from '../../platform/types';
import { grantsFrom, requestedCapabilities, type ConsentPrompt, type ConsentRequest } from './consent-prompt';
import type { ConsentWords } from './consent-words';

export const ALLOW_BUTTON = 'allow';
export const DECLINE_BUTTON = 'decline';

export type ConsentOutcome = 'allowed' | 'declined' | 'closed' | 'cancelled';

export function consentDialogSpec(words: ConsentWords, request: ConsentRequest): DialogSpec {
  return {
    title: words.title,
    heading: words.heading(request.agentName),
    text: [words.explain],
    checks: requestedCapabilities(request.requested).map((c) => ({
      id: c,
      label: words.capability(c),
      checked: false,
    })),
    buttons: [
      { id: DECLINE_BUTTON, label: words.decline },
      { id: ALLOW_BUTTON, label: words.allow, primary: true, needsCheck: true },
    ],
    cancel: DECLINE_BUTTON,
  };
}

export class DialogConsentPrompt implements ConsentPrompt {
  readonly kind = 'window';
  /** How the last question ended (null while none has). */
  answered: ConsentOutcome | null = null;
  private open: { settle(outcome: ConsentOutcome, grants: Grants): void } | null = null;
  private closed = false;

  constructor(
    private readonly host: DialogHost,
    private readonly words: () => ConsentWords,
  ) {}

  ask(request: ConsentRequest): Promise<Grants> {
    if (this.closed) return Promise.resolve({ ...NO_GRANTS });
    return new Promise<Grants>((resolve, reject) => {
      let dialog: Dialog | null = null;
      let done = false;
      const settle = (outcome: ConsentOutcome, grants: Grants) => {
        if (done) return;
        done = true;
        this.open = null;
        this.answered = outcome;
        dialog?.close();
        resolve(grants);
      };
      this.open = { settle };
      this.host
        .open(consentDialogSpec(this.words(), request), (action) => {
          if (action.kind === 'closed') return settle('closed', { ...NO_GRANTS });
          if (action.button === DECLINE_BUTTON) return settle('declined', { ...NO_GRANTS });
          if (action.button !== ALLOW_BUTTON) return;
          const ticked = Object.entries(action.checks).flatMap(([id, on]) => (on ? [id] : []));
          settle('allowed', grantsFrom(ticked, request.requested));
        })
        .then(
          (d) => {
            dialog = d;
            if (done) d.close(); // answered (or closed) before the window was reported open
          },
          (err: unknown) => {
            if (done) return;
            done = true;
            this.open = null;
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
    });
  }

  /** Withdraws an open question (nothing granted) and refuses later ones. */
  close(): void {
    this.closed = true;
    this.open?.settle('cancelled', { ...NO_GRANTS });
  }
}
