/**
 * A recording Platform for the session's unit tests, where the real X11 platform would only add
 * timing noise (the real one runs in test/e2e/helper/): a synthetic desktop (FakeScreenSource),
 * an InputSink that records every call, an in-memory clipboard with change notifications (both
 * test/support/recording-platform.ts), and a reboot that records instead of rebooting (or fails,
 * like a system that does not permit it).
 */
import { ProtocolError } from '../../../protocol/errors';
import type { FileAccess, Platform } from '../../../host/platform/types';
import { FakeClipboard, RecordingInput } from '../../support/recording-platform';
import { FakeScreenSource } from '../screen/fake-screen-source';
import { blank, text } from '../screen/synthetic';

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
