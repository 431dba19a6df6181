/**
 * The parts of a fake helper Platform that the session's and the viewer's Node tests share, where
 * the real X11 ones (run in test/e2e/) would only add timing noise: an in-memory clipboard with
 * change notifications, and an input sink that records every call as a line of text.
 */
import type { Clipboard, InputSink } from '../../host/platform/types';

export class FakeClipboard implements Clipboard {
  text = '';
  writes: string[] = [];
  private listeners = new Set<() => void>();
  readText(): Promise<string> {
    return Promise.resolve(this.text);
  }
  writeText(t: string): Promise<void> {
    this.text = t;
    this.writes.push(t);
    return Promise.resolve();
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Another application on the customer's side copies `t`. */
  copy(t: string): void {
    this.text = t;
    for (const l of this.listeners) l();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class RecordingInput implements InputSink {
  readonly calls: string[] = [];
  /** Delay of each call, in ms (to hold a queue of events); at 0 a call is recorded at once. */
  delayMs = 0;
  private async rec(call: string): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    this.calls.push(call);
  }
  key(code: string, down: boolean) {
    return this.rec(`key ${code} ${down ? 'down' : 'up'}`);
  }
  type(t: string) {
    return this.rec(`type ${t}`);
  }
  /** Where the pointer is: the last move (ours or the customer's), as a real desktop reports it. */
  position = { x: 0, y: 0 };
  pointerMove(x: number, y: number) {
    this.position = { x, y };
    return this.rec(`move ${x},${y}`);
  }
  /** Not recorded in `calls`: asking where the pointer is changes nothing on the desktop. */
  pointerPosition() {
    return Promise.resolve({ ...this.position });
  }
  /** The customer moves their own mouse. */
  customerMoves(x: number, y: number): void {
    this.position = { x, y };
  }
  button(b: string, down: boolean) {
    return this.rec(`button ${b} ${down ? 'down' : 'up'}`);
  }
  wheel(dx: number, dy: number) {
    return this.rec(`wheel ${dx},${dy}`);
  }
  async releaseAll() {
    this.calls.push('releaseAll');
  }
  close() {
    return Promise.resolve();
  }
}
