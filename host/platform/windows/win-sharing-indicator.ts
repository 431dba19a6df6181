/**
 * The sharing indicator on Windows, the main thread's side: the bar the UI thread draws
 * (ui-thread/indicator-window.ts: "Lifeline: sharing with Alex (code 123 456)" and Stop, on top of
 * every window, never taking the keyboard) in the customer's language. show() lays the bar out
 * hidden first, then shows it, so its place is known before it appears. Stop reaches `onStop`
 * (the helper then ends the sharing exactly as the terminal's Stop does). hide() and show() may
 * follow each other any number of times; close() hides it for good. Where it first appeared is
 * logged (support staff reading a log, and the tests that click Stop as the customer would).
 */
import type { IndicatorWords, SharingIndicator, SharingState } from '../../consent/prompts/sharing-indicator';
import type { PlatformLog } from '../platform-log';
import type { ScreenRect } from './ui-thread/ui-protocol';
import type { WinUiThread } from './win-ui-thread';

/** Log fields of where the bar and its Stop are (the log's values are flat). */
function placeFields(place: ScreenRect & { stop: ScreenRect }): Record<string, number> {
  const { stop } = place;
  return {
    x: place.x,
    y: place.y,
    width: place.width,
    height: place.height,
    stopX: stop.x,
    stopY: stop.y,
    stopWidth: stop.width,
    stopHeight: stop.height,
  };
}

export class WinSharingIndicator implements SharingIndicator {
  private closed = false;
  private shownOnce = false;
  /** Requests go one after the other (layout before show, hide after both). */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly ui: WinUiThread,
    private readonly words: IndicatorWords,
    private readonly log: PlatformLog,
    private readonly offStop: () => void,
  ) {}

  static open(
    ui: WinUiThread,
    words: IndicatorWords,
    log: PlatformLog,
    onStop: () => void,
  ): WinSharingIndicator {
    let indicator: WinSharingIndicator | null = null;
    const off = ui.onIndicatorStop(() => {
      if (indicator && !indicator.closed) onStop();
    });
    indicator = new WinSharingIndicator(ui, words, log, off);
    return indicator;
  }

  show(state: SharingState): void {
    if (this.closed) return;
    // The bar has its own Stop button: the line goes without X11's " - Stop" ending.
    const text = this.words.line(state);
    const stop = this.words.stop;
    this.enqueue(async () => {
      const place = await this.ui.request({ type: 'indicator.layout', text, stop });
      if (this.closed) return;
      await this.ui.request({ type: 'indicator.show' });
      if (!this.shownOnce) this.log.info('indicator_shown', placeFields(place));
      this.shownOnce = true;
    });
  }

  hide(): void {
    if (this.closed) return;
    this.enqueue(() => this.ui.request({ type: 'indicator.hide' }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offStop();
    this.enqueue(() => this.ui.request({ type: 'indicator.hide' }));
  }

  private enqueue(step: () => Promise<unknown>): void {
    this.queue = this.queue.then(step).catch((err: unknown) => {
      // The bar is a courtesy beside the terminal's line: a failure is logged, sharing goes on.
      if (this.ui.alive) {
        this.log.warn('indicator_failed', { error: err instanceof Error ? err.message : String(err) });
      }
    });
  }
}
