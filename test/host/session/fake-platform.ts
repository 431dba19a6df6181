/**
 * A recording Platform for the session's unit tests, where the real X11 platform would only add
 * timing noise (the real one runs in test/e2e/helper/): a synthetic desktop (FakeScreenSource),
 * an InputSink that records every call, an in-memory clipboard with change notifications, and a
 * reboot that records instead of rebooting (or fails, like a system that does not permit it).
 */
import { ProtocolError } from '../../../protocol/errors';
import type { Clipboard, FileAccess, InputSink, Platform } from '../../../host/platform/types';
import { FakeScreenSource } from '../screen/fake-screen-source';
import { blank, text } from '../screen/synthetic';

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
  /** Another application copies `t`. */
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
  /** Delay of each call, in ms (to hold a queue of events). */
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
  pointerMove(x: number, y: number) {
    return this.rec(`move ${x},${y}`);
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

export interface FakePlatform extends Platform {
  source: FakeScreenSource;
  input: () => Promise<RecordingInput>;
  sink: RecordingInput;
  board: FakeClipboard;
  reboots: number;
  rebootError: ProtocolError | null;
  opened: string[];
}

export function fakePlatform(): FakePlatform {
  const desktop = blank(320, 200);
  text(desktop, { x: 10, y: 10, width: 200, height: 60 }, 7);
  const source = new FakeScreenSource(desktop, [
    { id: 0, name: 'FAKE-1', primary: true, bounds: { x: 0, y: 0, width: 320, height: 200 } },
  ]);
  const sink = new RecordingInput();
  const board = new FakeClipboard();
  const p: FakePlatform = {
    name: 'fake',
    source,
    sink,
    board,
    reboots: 0,
    rebootError: null,
    opened: [],
    screen: async () => (p.opened.push('screen'), source),
    input: async () => (p.opened.push('input'), sink),
    clipboard: async () => (p.opened.push('clipboard'), board),
    files: (): FileAccess => {
      throw new ProtocolError('feature_disabled', 'no files in the fake platform');
    },
    reboot: async () => {
      if (p.rebootError) throw p.rebootError;
      p.reboots++;
    },
  };
  return p;
}
