/**
 * Line-based conversation with the customer on the controlling terminal (/dev/tty, so it works
 * even when stdin or stdout are redirected). One reader for everything typed: a pending question
 * takes the next line, any other line goes to the listeners (the sharing indicator's "s" + Enter).
 * Lines are bounded (TTY_LINE_MAX_CHARS) so a paste cannot grow memory.
 */
import { openSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import tty from 'node:tty';

/** Longest line kept, in characters; the rest is cut. */
export const TTY_LINE_MAX_CHARS = 200;

export class TtyLines {
  private readonly rl: Interface;
  private pending: ((line: string | null) => void) | null = null;
  private readonly listeners = new Set<(line: string) => void>();
  private closed = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {
    this.rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
    this.rl.on('line', (raw) => {
      const line = raw.slice(0, TTY_LINE_MAX_CHARS);
      const answer = this.pending;
      if (answer) {
        this.pending = null;
        answer(line);
        return;
      }
      for (const l of [...this.listeners]) l(line);
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.pending?.(null);
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

  write(text: string): void {
    if (!this.closed) this.output.write(text);
  }

  /** Writes `question` and resolves with the next line (null when the terminal closed). */
  ask(question: string): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    this.write(question);
    return new Promise((resolve) => {
      this.pending = resolve;
    });
  }

  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops reading; a terminal opened here is released, so it no longer keeps the process alive. */
  close(): void {
    this.closed = true;
    this.rl.close();
    if (this.input instanceof tty.ReadStream) this.input.destroy();
  }
}
