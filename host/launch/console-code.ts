/**
 * "Type the code shown on the support page" on the console, for a helper started with no window to
 * show but a console to type in: the Windows .exe double-clicked (Windows opens a console for it;
 * its consent is asked in message boxes), or a Linux terminal without a display. The same
 * contract as the code window (code-window.ts): `next()` resolves with each code to try, or null
 * when the input ends (Ctrl+D, Ctrl+Z, the console closed); a refused code is said and asked again.
 * Input is read one line at a time and bounded; only digits count, so "123 456 789" works.
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { JOIN_CODE_DIGITS } from '../../protocol/limits';
import type { HelperText } from '../i18n/helper-text';

/** Longest line read as a code (a paste with spaces and dashes is far shorter). */
const CODE_LINE_MAX = 200;

export class ConsoleCode {
  private readonly rl: Interface;
  private readonly lines: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private ended = false;

  constructor(
    private readonly text: HelperText,
    input: Readable,
    private readonly output: Writable,
    firstError: string | null,
  ) {
    this.rl = createInterface({ input, terminal: false });
    this.rl.on('line', (line) => this.push(line.slice(0, CODE_LINE_MAX)));
    this.rl.on('close', () => {
      this.ended = true;
      this.push(null);
    });
    if (firstError) this.say(firstError);
    this.say(this.text.t('code.explain'));
  }

  private say(line: string): void {
    this.output.write(`${line}\n`);
  }

  private push(line: string | null): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(line);
    else if (line !== null) this.lines.push(line);
  }

  private line(): Promise<string | null> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async next(): Promise<string | null> {
    for (;;) {
      this.output.write(`${this.text.t('code.field')}: `);
      const line = await this.line();
      if (line === null) return null;
      const digits = line.replace(/\D/g, '');
      if (digits.length === JOIN_CODE_DIGITS) return digits;
      this.say(this.text.t('code.incomplete'));
    }
  }

  connecting(server: string): void {
    this.say(this.text.t('code.connecting', { server }));
  }

  failed(message: string): void {
    this.say(message);
  }

  close(): void {
    this.rl.close();
  }
}
