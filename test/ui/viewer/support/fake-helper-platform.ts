/**
 * A recording helper Platform for the viewer's Node tests (the real X11 one runs in
 * test/e2e/viewer/): a synthetic desktop, input and clipboard that record what arrives
 * (test/support/recording-platform.ts), and a surface that records annotations. Where a real
 * desktop would add only timing noise.
 */
import type { FileAccess, Platform } from '../../../../host/platform/types';
import type { AnnotationSurface } from '../../../../host/session/annotation-surface';
import type { AnnotationMessage } from '../../../../protocol/data/annotations';
import { ProtocolError } from '../../../../protocol/errors';
import { FakeScreenSource } from '../../../host/screen/fake-screen-source';
import { blank, text } from '../../../host/screen/synthetic';
import { FakeClipboard, RecordingInput } from '../../../support/recording-platform';

export class RecordingSurface implements AnnotationSurface {
  readonly messages: { peerId: number; msg: AnnotationMessage }[] = [];
  apply(peerId: number, msg: AnnotationMessage): void {
    this.messages.push({ peerId, msg });
  }
  clear(): void {}
  close(): void {}
}

export interface FakeHelperPlatform extends Platform {
  source: FakeScreenSource;
  sink: RecordingInput;
  board: FakeClipboard;
}

export function fakeHelperPlatform(width = 320, height = 200): FakeHelperPlatform {
  const desktop = blank(width, height);
  text(desktop, { x: 10, y: 10, width: Math.min(200, width - 10), height: Math.min(60, height - 10) }, 7);
  const source = new FakeScreenSource(desktop, [
    { id: 0, name: 'LEFT', primary: true, bounds: { x: 0, y: 0, width: width / 2, height } },
    { id: 1, name: 'RIGHT', primary: false, bounds: { x: width / 2, y: 0, width: width / 2, height } },
  ]);
  const sink = new RecordingInput();
  const board = new FakeClipboard();
  return {
    name: 'fake',
    source,
    sink,
    board,
    screen: () => Promise.resolve(source),
    input: () => Promise.resolve(sink),
    clipboard: () => Promise.resolve(board),
    files: (): FileAccess => {
      throw new ProtocolError('feature_disabled', 'no files in the fake platform');
    },
    reboot: () => Promise.reject(new ProtocolError('forbidden', 'no reboot in tests')),
  };
}
