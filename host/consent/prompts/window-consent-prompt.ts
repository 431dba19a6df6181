/**
 * The consent question in the helper's own window (a DialogHost from host/platform/registry.ts:
 * on X11, a window above every other and focused when it opens): the agent's name, one box per
 * requested capability, none ticked, "Decline" and "Allow" (disabled until a box is ticked),
 * in the customer's language. Escape declines; the window's close box is reported as `closed`.
 */
import type { DialogHost, DialogSpec, Dialog } from '../../platform/types';
import type { HelperText } from '../../i18n/helper-text';
import {
  answerFor,
  grantsFrom,
  requestedCapabilities,
  type ConsentAnswer,
  type ConsentPrompt,
  type ConsentRequest,
} from './consent-prompt';

export const ALLOW_BUTTON = 'allow';
export const DECLINE_BUTTON = 'decline';

export function consentDialogSpec(text: HelperText, request: ConsentRequest): DialogSpec {
  return {
    title: text.t('consent.title'),
    heading: text.t('consent.heading', { agent: request.agentName }),
    text: [text.t('consent.explain')],
    checks: requestedCapabilities(request.requested).map((c) => ({
      id: c,
      label: text.capability(c),
      checked: false,
    })),
    buttons: [
      { id: DECLINE_BUTTON, label: text.t('consent.decline') },
      { id: ALLOW_BUTTON, label: text.t('consent.allow'), primary: true, needsCheck: true },
    ],
    cancel: DECLINE_BUTTON,
  };
}

export class WindowConsentPrompt implements ConsentPrompt {
  readonly kind = 'window';
  private open: { dialog: Promise<Dialog>; settle: (a: ConsentAnswer) => void } | null = null;
  private closed = false;

  constructor(
    private readonly host: DialogHost,
    private readonly text: HelperText,
  ) {}

  ask(request: ConsentRequest): Promise<ConsentAnswer> {
    if (this.closed) return Promise.resolve({ kind: 'cancelled' });
    return new Promise<ConsentAnswer>((resolve, reject) => {
      let done = false;
      const settle = (answer: ConsentAnswer) => {
        if (done) return;
        done = true;
        const open = this.open;
        this.open = null;
        void open?.dialog.then(
          (d) => d.close(),
          () => undefined,
        );
        resolve(answer);
      };
      const dialog = this.host.open(consentDialogSpec(this.text, request), (action) => {
        if (action.kind === 'closed') return settle({ kind: 'closed' });
        if (action.button === ALLOW_BUTTON) {
          const ticked = Object.entries(action.checks).flatMap(([id, on]) => (on ? [id] : []));
          return settle(answerFor(grantsFrom(ticked, request.requested)));
        }
        if (action.button === DECLINE_BUTTON) settle({ kind: 'declined' });
      });
      this.open = { dialog, settle };
      dialog.catch((err: unknown) => {
        if (done) return;
        done = true;
        this.open = null;
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  cancel(): void {
    this.open?.settle({ kind: 'cancelled' });
  }

  close(): void {
    this.closed = true;
    this.cancel();
  }
}
