/**
 * What the helper's main thread and its Windows UI thread (ui-thread-main.ts) say to each other,
 * over a MessagePort inside one process. The UI thread owns every window the helper shows (the
 * consent window, the sharing indicator, the drawing overlay): a window belongs to the thread
 * that made it and only that thread's message loop serves it, so keeping them all on a thread of
 * their own means a customer dragging the consent window, or Windows' own modal loops, never
 * stop the session's network and screen work on the main thread.
 *
 * Requests carry an id and get exactly one reply (a result or an error message); events come
 * unasked. Both ends are our own code in the same process, so messages are typed, not parsed;
 * the words and numbers in them were validated before they reached the main thread's senders.
 * Regions travel as Int32Array triples (y, x0, x1) in the window's own coordinates.
 */
import type { DialogAction, DialogSpec } from '../../types';

export interface ScreenRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the UI thread found when it started. */
export interface UiHello {
  /** Its thread id, which PostThreadMessageW wakes. */
  threadId: number;
  /**
   * Whether Windows keeps this thread's windows out of every capture (SetWindowDisplayAffinity
   * with WDA_EXCLUDEFROMCAPTURE: Windows 10 2004 and later). Where not (older Windows, Wine),
   * the main thread masks them out of its captures.
   */
  excludedFromCapture: boolean;
}

export type UiRequest =
  | { type: 'dialog.open'; dialog: number; spec: DialogSpec }
  | { type: 'dialog.update'; dialog: number; spec: DialogSpec }
  | { type: 'dialog.close'; dialog: number }
  /**
   * Lays the indicator out (hidden) and replies with where it and its Stop will be, so it can be
   * masked first.
   */
  | { type: 'indicator.layout'; text: string; stop: string }
  | { type: 'indicator.show' }
  | { type: 'indicator.hide' }
  | {
      type: 'overlay.add';
      key: string;
      bounds: ScreenRect;
      spans: Int32Array;
      color: number;
    }
  | { type: 'overlay.remove'; key: string }
  | {
      type: 'overlay.laser';
      peer: number;
      at: { x: number; y: number };
      size: number;
      spans: Int32Array;
      color: number;
    }
  | { type: 'overlay.hideLaser'; peer: number }
  | { type: 'overlay.clear' }
  /** Replies once every change asked before it is on the screen (or off it). */
  | { type: 'sync' }
  /** Test probes: the window of a dialog's control, and the indicator's Stop button, on screen. */
  | { type: 'probe.control'; dialog: number; control: string }
  | { type: 'probe.indicatorStop' }
  | { type: 'probe.windows' };

export type UiRequestType = UiRequest['type'];

/** What each request's reply carries. */
export interface UiReplies {
  'dialog.open': ScreenRect;
  'dialog.update': null;
  'dialog.close': null;
  'indicator.layout': ScreenRect & { stop: ScreenRect };
  'indicator.show': null;
  'indicator.hide': null;
  'overlay.add': null;
  'overlay.remove': null;
  'overlay.laser': null;
  'overlay.hideLaser': null;
  'overlay.clear': null;
  sync: null;
  'probe.control': (ScreenRect & { checked: boolean; enabled: boolean; focused: boolean }) | null;
  'probe.indicatorStop': ScreenRect | null;
  'probe.windows': { overlay: number; dialogs: number; indicator: boolean; foreground: string };
}

export type UiToMain =
  | { type: 'hello'; hello: UiHello }
  | { type: 'reply'; id: number; result?: unknown; error?: string }
  | { type: 'dialog.action'; dialog: number; action: DialogAction }
  | { type: 'indicator.stop' }
  | { type: 'log'; event: string; details: Record<string, unknown> };

export type MainToUi = { type: 'request'; id: number; request: UiRequest } | { type: 'quit' };

/** The thread message that wakes the UI thread's loop (WM_APP + 1). */
export const WM_WAKE = 0x8001;

/** Region spans (y, x0, x1 triples) of a region, offset by (-dx, -dy). */
export function spansOf(
  forEachSpan: (fn: (y: number, x0: number, x1: number) => void) => void,
  dx: number,
  dy: number,
): Int32Array {
  const out: number[] = [];
  forEachSpan((y, x0, x1) => out.push(y - dy, x0 - dx, x1 - dx));
  return Int32Array.from(out);
}
