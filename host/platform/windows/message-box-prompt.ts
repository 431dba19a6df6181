/**
 * The consent question on Windows as native message boxes, one per requested capability (Yes /
 * No), in the customer's display language, on top of every window and brought to the front
 * (MB_TOPMOST | MB_SETFOREGROUND), with No as the default button. No, Escape or closing the box
 * refuses that capability; only Yes allows. Each box runs on a worker thread (koffi's async call)
 * so the helper keeps serving the session while the customer reads. close() cannot close a box
 * already shown; its answer is then ignored.
 */
import { NO_GRANTS, type Grants } from '../../../protocol/common';
import {
  requestedCapabilities,
  type ConsentPrompt,
  type ConsentRequest,
} from '../../consent/prompts/consent-prompt';
import { CONSENT_WORDS, type ConsentLanguage } from '../../consent/prompts/consent-words';
import { uiLanguage } from './ui-language';
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

  constructor(private readonly language: ConsentLanguage = uiLanguage()) {}

  async ask(request: ConsentRequest): Promise<Grants> {
    const words = CONSENT_WORDS[this.language];
    const grants = { ...NO_GRANTS };
    const caps = requestedCapabilities(request.requested);
    for (const [i, c] of caps.entries()) {
      if (this.closed) return { ...NO_GRANTS };
      const text = [
        i === 0 ? words.intro(request.agentName) : '',
        words.question(request.agentName, c),
        '',
        words.note,
      ]
        .filter((line, n) => n > 0 || line)
        .join('\n');
      const answer = await this.box(text, `${words.title} (${i + 1}/${caps.length})`);
      grants[c] = answer === IDYES;
    }
    return this.closed ? { ...NO_GRANTS } : grants;
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

  close(): void {
    this.closed = true;
  }
}
