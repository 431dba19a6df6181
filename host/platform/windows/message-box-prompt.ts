/**
 * The consent question on Windows as native message boxes, one per requested capability (Yes /
 * No), in the customer's language (the one chosen on the support page, else the system's), on top of every window and brought to the front
 * (MB_TOPMOST | MB_SETFOREGROUND), with No as the default button. No, Escape or closing the box
 * refuses that capability; only Yes allows. Each box runs on a worker thread (koffi's async call)
 * so the helper keeps serving the session while the customer reads. A No to everything is reported
 * as declined. cancel() and close() cannot close a box already shown; its answer is then ignored.
 */
import { NO_GRANTS } from '../../../protocol/common';
import {
  answerFor,
  requestedCapabilities,
  type ConsentAnswer,
  type ConsentPrompt,
  type ConsentRequest,
} from '../../consent/prompts/consent-prompt';
import type { HelperText } from '../../i18n/helper-text';
import { win32 } from './win32';

const MB_YESNO = 0x4;
const MB_ICONQUESTION = 0x20;
const MB_DEFBUTTON2 = 0x100;
const MB_SETFOREGROUND = 0x10000;
const MB_TOPMOST = 0x40000;
const IDYES = 6;

export class MessageBoxPrompt implements ConsentPrompt {
  readonly kind = 'window';
  private closed = false;
  /** Bumped by cancel(): the question asked before it is answered `cancelled`. */
  private generation = 0;

  constructor(private readonly text: HelperText) {}

  async ask(request: ConsentRequest): Promise<ConsentAnswer> {
    const asked = this.generation;
    const withdrawn = () => this.closed || this.generation !== asked;
    const t = this.text;
    const grants = { ...NO_GRANTS };
    const caps = requestedCapabilities(request.requested);
    for (const [i, c] of caps.entries()) {
      if (withdrawn()) return { kind: 'cancelled' };
      const agent = request.agentName;
      const text = [
        i === 0 ? t.t('consent.boxIntro', { agent }) : '',
        t.t('consent.boxQuestion', { agent, what: t.capability(c) }),
        '',
        t.t('consent.boxNote'),
      ]
        .filter((line, n) => n > 0 || line)
        .join('\n');
      const answer = await this.box(text, `${t.t('consent.title')} (${i + 1}/${caps.length})`);
      grants[c] = answer === IDYES;
    }
    return withdrawn() ? { kind: 'cancelled' } : answerFor(grants);
  }

  private box(text: string, caption: string): Promise<number> {
    const { user32 } = win32();
    const style = MB_YESNO | MB_ICONQUESTION | MB_DEFBUTTON2 | MB_SETFOREGROUND | MB_TOPMOST;
    return new Promise((resolve, reject) => {
      user32.MessageBoxW.async(null, text, caption, style, (err: unknown, result: number) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
      );
    });
  }

  cancel(): void {
    this.generation++;
  }

  close(): void {
    this.closed = true;
  }
}
