/**
 * "Type the code shown on the support page": the window a helper started without a usable
 * download ticket opens (not a terminal), in the customer's language. The customer types or
 * pastes the nine digits and clicks Connect (or presses Enter); `next()` resolves with each code
 * to try, or null when they cancel or close the window. While a try runs the buttons are disabled
 * and the window says it is connecting; a refused code comes back as a red line saying what to do,
 * and the customer can try again without the window going away.
 */
import { JOIN_CODE_DIGITS } from '../../protocol/limits';
import type { HelperText } from '../i18n/helper-text';
import type { Dialog, DialogAction, DialogHost, DialogSpec } from '../platform/types';

export const CONNECT_BUTTON = 'connect';
export const CANCEL_BUTTON = 'cancel';

export class CodeWindow {
  private dialog: Dialog | null = null;
  private waiting: ((code: string | null) => void) | null = null;
  private error: string | null;
  private busyWith: string | null = null;
  private done = false;

  private constructor(
    private readonly text: HelperText,
    firstError: string | null,
  ) {
    this.error = firstError;
  }

  /** Opens the window (on top, focused), with `firstError` already shown when there is one. */
  static async open(host: DialogHost, text: HelperText, firstError: string | null): Promise<CodeWindow> {
    const w = new CodeWindow(text, firstError);
    w.dialog = await host.open(w.spec(), (a) => w.onAction(a));
    return w;
  }

  spec(): DialogSpec {
    const t = this.text;
    return {
      title: t.t('code.title'),
      heading: t.t('code.heading'),
      text: [this.busyWith ? t.t('code.connecting', { server: this.busyWith }) : t.t('code.explain')],
      field: { label: t.t('code.field'), value: '', maxChars: JOIN_CODE_DIGITS, allowed: 'digits' },
      error: this.busyWith ? null : this.error,
      buttons: [
        { id: CANCEL_BUTTON, label: t.t('code.cancel') },
        { id: CONNECT_BUTTON, label: t.t('code.connect'), primary: true },
      ],
      cancel: CANCEL_BUTTON,
      busy: this.busyWith !== null,
    };
  }

  /** The next code the customer submits (nine digits), or null when they give up. */
  next(): Promise<string | null> {
    if (this.done) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Shows that a try is under way (buttons disabled). */
  connecting(server: string): void {
    this.busyWith = server;
    this.refresh();
  }

  /** The try failed: say why, and let the customer try again. */
  failed(message: string): void {
    this.busyWith = null;
    this.error = message;
    this.refresh();
  }

  close(): void {
    this.done = true;
    this.dialog?.close();
    this.dialog = null;
    this.answer(null);
  }

  private refresh(): void {
    this.dialog?.update(this.spec());
  }

  private answer(code: string | null): void {
    const w = this.waiting;
    this.waiting = null;
    w?.(code);
  }

  private onAction(action: DialogAction): void {
    if (action.kind === 'closed' || action.button === CANCEL_BUTTON) {
      this.close();
      return;
    }
    if (action.button !== CONNECT_BUTTON || this.busyWith !== null) return;
    const digits = action.field.replace(/\D/g, '');
    if (digits.length !== JOIN_CODE_DIGITS) {
      this.failed(this.text.t('code.incomplete'));
      return;
    }
    this.answer(digits);
  }
}
