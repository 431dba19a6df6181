/**
 * The sharing indicator as a small X window at the top centre of the screen: "Lifeline: sharing
 * with <agent> (code 123 456) - Stop" (", paused" while the picture is paused; the words are the
 * customer's, given by core code as `describe`), white on red,
 * override-redirect (no window manager decorates, moves or hides it) and raised again every
 * INDICATOR_RAISE_MS so it stays on top. A click anywhere on it stops sharing. It has its own X
 * connection (the `x11` package), opened only when something is shared. The core font "fixed" is
 * Latin-1, so characters outside it are shown as "?"; the window is drawn from our own text only
 * (no markup). The standalone helper's prompts (host/consent/prompts/choose-prompt.ts) open it
 * through the registry (openSharingIndicator).
 */
import { createClient, type XClient, type XDisplayInfo, type XEvent } from 'x11';
import type { SharingIndicator, SharingState } from '../../consent/prompts/sharing-indicator';

/** How often the window is raised above others, in ms. */
export const INDICATOR_RAISE_MS = 2000;
/** How long the X server may take to accept the connection, in ms. */
const CONNECT_TIMEOUT_MS = 5000;
/** Character cell of the "fixed" font, in pixels (6x13). */
const CHAR_WIDTH = 6;
const HEIGHT = 22;
const PADDING = 10;
const TEXT_BASELINE = 15;
/** Longest text drawn, in characters (ImageText8 takes at most 255). */
const TEXT_MAX_CHARS = 120;
const BACKGROUND = 0xb00020;
const FOREGROUND = 0xffffff;
const INPUT_OUTPUT = 1;
const COPY_FROM_PARENT = 0;
const EVENT_EXPOSE = 12;
const EVENT_BUTTON_PRESS = 4;
const MASK_BUTTON_PRESS = 0x00000004;
const MASK_EXPOSURE = 0x00008000;

/** The indicator's text as the core font draws it: Latin-1, anything else "?", bounded. */
export function indicatorLine(text: string): string {
  return text.replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?').slice(0, TEXT_MAX_CHARS);
}

/** What the window says for a state, in the customer's words (core code supplies it). */
export type DescribeSharing = (state: SharingState) => string;

export class X11IndicatorWindow implements SharingIndicator {
  private window = 0;
  private gc = 0;
  private font = 0;
  private text = '';
  private mapped = false;
  private raiseTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  private constructor(
    private readonly client: XClient,
    private readonly info: XDisplayInfo,
    private readonly onStop: () => void,
    private readonly describe: DescribeSharing,
  ) {
    client.on('event', (ev: XEvent) => this.onEvent(ev));
    // X errors (a font missing, the server going away) must not crash the helper.
    client.on('error', () => undefined);
  }

  /** Connects to `display`; null when there is no X server to show the window on. */
  static open(
    display: string,
    onStop: () => void,
    describe: DescribeSharing,
  ): Promise<X11IndicatorWindow | null> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (value: X11IndicatorWindow | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => done(null), CONNECT_TIMEOUT_MS);
      try {
        const client = createClient({ display }, (err, info) => {
          if (err || !info) done(null);
          else done(new X11IndicatorWindow(client, info, onStop, describe));
        });
        client.once('error', () => done(null));
      } catch {
        done(null);
      }
    });
  }

  /** The window id while shown (tests click it), else 0. */
  get windowId(): number {
    return this.mapped ? this.window : 0;
  }

  show(state: SharingState): void {
    if (this.closed) return;
    const text = indicatorLine(this.describe(state));
    const screen = this.info.screen[0]!;
    const width = text.length * CHAR_WIDTH + 2 * PADDING;
    const x = Math.max(0, Math.round((screen.pixel_width - width) / 2));
    if (this.window === 0) {
      const c = this.client;
      this.window = c.AllocID();
      c.CreateWindow(
        this.window,
        screen.root,
        x,
        0,
        width,
        HEIGHT,
        0,
        COPY_FROM_PARENT,
        INPUT_OUTPUT,
        COPY_FROM_PARENT,
        {
          backgroundPixel: BACKGROUND,
          overrideRedirect: 1,
          eventMask: MASK_BUTTON_PRESS | MASK_EXPOSURE,
        },
      );
      this.font = c.AllocID();
      c.OpenFont(this.font, 'fixed');
      this.gc = c.AllocID();
      c.CreateGC(this.gc, this.window, { foreground: FOREGROUND, background: BACKGROUND, font: this.font });
    } else if (text !== this.text) {
      this.client.MoveResizeWindow(this.window, x, 0, width, HEIGHT);
    }
    this.text = text;
    if (!this.mapped) {
      this.client.MapWindow(this.window);
      this.mapped = true;
      this.raiseTimer = setInterval(() => this.client.RaiseWindow(this.window), INDICATOR_RAISE_MS);
      this.raiseTimer.unref?.();
    }
    this.client.RaiseWindow(this.window);
    this.draw();
  }

  hide(): void {
    if (!this.mapped || this.closed) return;
    this.mapped = false;
    if (this.raiseTimer) clearInterval(this.raiseTimer);
    this.raiseTimer = null;
    this.client.UnmapWindow(this.window);
  }

  close(): void {
    if (this.closed) return;
    this.hide();
    this.closed = true;
    try {
      if (this.window !== 0) {
        this.client.FreeGC(this.gc);
        this.client.CloseFont(this.font);
        this.client.DestroyWindow(this.window);
      }
      this.client.close();
    } catch {
      // the X server is gone already
    }
  }

  private draw(): void {
    if (!this.mapped) return;
    this.client.ClearArea(this.window, 0, 0, 0, 0, 0);
    this.client.ImageText8(this.window, this.gc, PADDING, TEXT_BASELINE, this.text);
  }

  private onEvent(ev: XEvent): void {
    const code = ev.rawData[0]! & 0x7f;
    if (code === EVENT_EXPOSE) this.draw();
    else if (code === EVENT_BUTTON_PRESS && this.mapped) this.onStop();
  }
}
