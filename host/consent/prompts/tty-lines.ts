/**
 * Line-based conversation with the customer on the controlling terminal (/dev/tty, so it works
 * even when stdin or stdout are redirected). One reader for everything typed: a pending question
 * takes the next line, any other line goes to the listeners (the sharing indicator's "s" + Enter).
 * Lines stay whole: whatever is written while a question waits (a security code, a transfer)
 * goes on lines of its own, and the question is asked again below it. Lines are bounded
 * (TTY_LINE_MAX_CHARS) so a paste cannot grow memory.
 */
import { openSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import tty from 'node:tty';

/** Longest line kept, in characters; the rest is cut. */
export const TTY_LINE_MAX_CHARS = 200;

export class TtyLines {
  private readonly rl: Interface;
  private pending: { question: string; answer: (line: string | null) => void } | null = null;
  private readonly listeners = new Set<(line: string) => void>();
  private closed = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {
    this.rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
    this.rl.on('line', (raw) => {
      const line = raw.slice(0, TTY_LINE_MAX_CHARS);
      const pending = this.pending;
      if (pending) {
        this.pending = null;
        pending.answer(line);
        return;
      }
      for (const l of [...this.listeners]) l(line);
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.pending?.answer(null);
      this.pending = null;
    });
  }

  /** The controlling terminal, or null when the helper has none (started from a desktop icon). */
  static openControllingTty(): TtyLines | null {
    try {
      const fd = openSync('/dev/tty', 'r+');
      const input = new tty.ReadStream(fd);
      const output = new tty.WriteStream(fd);
      return new TtyLines(input, output);
    } catch {
      return null;
    }
  }

  /**
   * Writes `text`. While a question waits, it goes below the question's line and the question is
   * asked again after it, so neither is cut in the middle.
   */
  write(text: string): void {
    if (this.closed) return;
    if (!this.pending) {
      this.output.write(text);
      return;
    }
    const body = text.replace(/^\n+/, '');
    this.output.write(`\n${body}${body.endsWith('\n') ? '' : '\n'}${this.pending.question}`);
  }

  /** Writes one whole line. */
  line(text: string): void {
    this.write(`${text}\n`);
  }

  /** Writes `question` and resolves with the next line (null when the terminal closed). */
  ask(question: string): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    this.output.write(question);
    return new Promise((resolve) => {
      this.pending = { question, answer: resolve };
    });
  }

  /** Withdraws the question waiting for an answer (it resolves null); the line moves on. */
  cancelQuestion(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    if (!this.closed) this.output.write('\n');
    pending.answer(null);
  }

  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops reading; a terminal opened here is released, so it no longer keeps the process alive. */
  close(): void {
    this.cancelQuestion();
    this.closed = true;
    this.rl.close();
    if (this.input instanceof tty.ReadStream) this.input.destroy();
  }
}
