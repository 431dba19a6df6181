/**
 * The screen encoder for one viewer: `new ScreenEncoder(source, options)`, `start()`, then feed it
 * the viewer's `ack` payloads (`onAck`) and `control` payloads (`onControl`); it calls
 * `options.send(channel, payload)` with screen, cursor and control payloads (plaintext: the
 * session layer encrypts and frames them).
 *
 * Loop: damage from the source (or a periodic full compare) accumulates; an update starts when
 * there is damage, the previous update is done, at least `minIntervalMs` passed, and flow control
 * has room. While the window is full, damage keeps coalescing, so the next update carries the
 * latest picture, not a queue of old ones. Quality follows how often updates wait for the window.
 * Areas sent as JPEG are re-sent losslessly once they have been still for a while, wherever
 * scrolls and moves have carried them (update-encoder.ts tracks them).
 *
 * Lifecycle: created -> running -> closed (illegal transitions throw).
 */
import { parseAck } from '../../protocol/screen/ack-message';
import {
  encodeControl,
  parseControlToHelper,
  type QualityMode,
  type ScreenControlToHelper,
  type ScreenTarget,
} from '../../protocol/screen/screen-control';
import { screenMessageSeq } from '../../protocol/screen/screen-message';
import type { HandlerMap } from '../../protocol/message';
import type { Rect, ScreenMove, ScreenSource } from '../platform/types';
import { CursorTracker } from './cursor-tracker';
import { DEFLATE_LEVEL } from './deflate-stream';
import { FlowControl, type FlowSnapshot } from './flow-control';
import { TurboJpegEncoder, type JpegEncoder } from './jpeg-encoder';
import { QualityController } from './quality-controller';
import { intersect, union } from './rect-math';
import { UpdateEncoder } from './update-encoder';
import type { Move } from './window-move-detector';
import { emptyCounters, type EncodeCounters } from './rect-encoder';

export type ScreenChannel = 'screen' | 'cursor' | 'control';

/** Shortest time between two updates, in ms (bounds CPU when something redraws continuously). */
export const MIN_UPDATE_INTERVAL_MS = 8;
/** Interval of the full compare that catches changes no damage report announced, in ms. */
export const FULL_COMPARE_MS = 3000;
/** More pending damage rectangles than this are replaced by one full compare. */
const DAMAGE_RECTS_MAX = 64;
/** Wait after a failed capture before trying again, in ms. */
const CAPTURE_RETRY_MS = 500;

export interface ScreenEncoderOptions {
  send(channel: ScreenChannel, payload: Uint8Array): void;
  jpeg?: JpegEncoder;
  /** Fixed flow-control window in bytes; default: adaptive (flow-control.ts). */
  windowBytes?: number;
  minIntervalMs?: number;
  /** 0 disables the periodic full compare (only damage reports then trigger updates). */
  fullCompareMs?: number;
  /** Track and send the pointer (default true). */
  cursor?: boolean;
  target?: ScreenTarget;
  deflateLevel?: number;
  now?: () => number;
  /** Capture/encode failures (the encoder keeps going: it retries or restarts the stream). */
  onError?: (error: unknown) => void;
}

export interface ScreenEncoderStats {
  updates: number;
  messages: number;
  screenBytes: number;
  cursorBytes: number;
  captureMs: number;
  encodeMs: number;
  counters: EncodeCounters;
  /** Pixels re-sent losslessly after they were sent as JPEG and stayed still. */
  refreshedPixels: number;
  qualityLevel: number;
  flow: FlowSnapshot;
  /** Updates that had to wait for the window. */
  blocked: number;
}

type State = 'created' | 'running' | 'closed';
const TRANSITIONS: Record<State, State[]> = {
  created: ['running', 'closed'],
  running: ['closed'],
  closed: [],
};

export class ScreenEncoder {
  private state: State = 'created';
  private readonly encoder: UpdateEncoder;
  private readonly flow: FlowControl;
  private readonly quality: QualityController;
  private readonly now: () => number;
  private readonly minInterval: number;
  private target: ScreenTarget;
  private view: Rect = { x: 0, y: 0, width: 0, height: 0 };
  private cursor: CursorTracker | null = null;
  private unsubscribe: (() => void) | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  /** The next update, held back by minIntervalMs. */
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The lossless refresh of JPEG areas once they are still. Its own timer: while it waits, new
   * damage must still go out at the normal pace (sharing one timer held every update of a
   * changing photo back for the whole still time, 1.5 s at a time).
   */
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private pointerTimer: ReturnType<typeof setTimeout> | null = null;
  private busy = false;
  private needReset = true;
  private pendingAll = false;
  private pendingDamage: Rect[] = [];
  /** Moves the source reported since the last update, in view coordinates (hints, checked by the encoder). */
  private pendingMoves: Move[] = [];
  private unsubscribeMoves: (() => void) | null = null;
  private lastUpdateAt = -Infinity;
  private blockedNow = false;
  private readonly statsValue: Omit<ScreenEncoderStats, 'flow' | 'qualityLevel'>;
  private readonly handlers: HandlerMap<ScreenControlToHelper, void>;

  constructor(
    private readonly source: ScreenSource,
    private readonly options: ScreenEncoderOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.encoder = new UpdateEncoder(
      options.jpeg ?? new TurboJpegEncoder(),
      options.deflateLevel ?? DEFLATE_LEVEL,
    );
    this.flow = new FlowControl(options.windowBytes);
    this.quality = new QualityController(this.now());
    this.minInterval = options.minIntervalMs ?? MIN_UPDATE_INTERVAL_MS;
    this.target = options.target ?? { kind: 'desktop' };
    this.statsValue = {
      updates: 0,
      messages: 0,
      screenBytes: 0,
      cursorBytes: 0,
      captureMs: 0,
      encodeMs: 0,
      blocked: 0,
      refreshedPixels: 0,
      counters: emptyCounters(),
    };
    this.handlers = {
      'screen.select': (m) => this.select(m.target),
      'screen.refresh': () => this.refresh(),
      'screen.quality': (m) => this.setQuality(m.mode),
    };
  }

  private transition(to: State): void {
    if (!TRANSITIONS[this.state].includes(to))
      throw new Error(`ScreenEncoder: ${this.state} -> ${to} is not allowed`);
    this.state = to;
  }

  /** Starts capturing: monitor list, RESET and a full picture, then updates as the screen changes. */
  async start(): Promise<void> {
    this.transition('running');
    await this.applyTarget(this.target);
    this.unsubscribe = this.source.onDamage((rects) => this.onDamage(rects));
    this.unsubscribeMoves = this.source.onMoves?.((moves) => this.onMoves(moves)) ?? null;
    const fullCompare = this.options.fullCompareMs ?? FULL_COMPARE_MS;
    if (fullCompare > 0) {
      this.timers.push(
        setInterval(() => {
          this.pendingAll = true;
          this.wake();
        }, fullCompare),
      );
    }
    if (this.options.cursor ?? true) {
      this.cursor = new CursorTracker(this.source, (p) => this.sendCursor(p), this.view);
      this.schedulePointerPoll(0);
    }
    this.wake();
  }

  /** A payload from the viewer's `ack` channel. Malformed acks are ignored (and reported). */
  onAck(payload: Uint8Array): void {
    try {
      const ack = parseAck(payload);
      if (this.flow.onAck(ack.seq, this.now())) this.wake();
    } catch (e) {
      this.options.onError?.(e);
    }
  }

  /** A payload from the viewer's `control` channel; returns false when it was not a valid screen message. */
  onControl(payload: Uint8Array): boolean {
    const parsed = parseControlToHelper(payload);
    if (!parsed.ok) return false;
    const msg = parsed.value;
    (this.handlers[msg.type] as (m: typeof msg, ctx: void) => void)(msg, undefined);
    return true;
  }

  select(target: ScreenTarget): void {
    if (this.state !== 'running') return;
    void this.applyTarget(target).then(
      () => this.wake(),
      (e) => this.options.onError?.(e),
    );
  }

  refresh(): void {
    this.needReset = true;
    this.wake();
  }

  setQuality(mode: QualityMode): void {
    this.quality.setMode(mode);
    this.wake();
  }

  stats(): ScreenEncoderStats {
    return {
      ...this.statsValue,
      counters: { ...this.statsValue.counters },
      flow: this.flow.snapshot(),
      qualityLevel: this.quality.levelIndex,
    };
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.transition('closed');
    this.unsubscribe?.();
    this.unsubscribeMoves?.();
    for (const t of this.timers) clearInterval(t);
    if (this.pointerTimer) clearTimeout(this.pointerTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.encoder.close();
  }

  // ------------------------------------------------------------------ internals

  private async applyTarget(target: ScreenTarget): Promise<void> {
    const monitors = await this.source.monitors();
    const desktop = this.source.desktopSize();
    let view: Rect = { x: 0, y: 0, width: desktop.width, height: desktop.height };
    let selected = target;
    if (target.kind === 'monitor') {
      const m = monitors.find((mon) => mon.id === target.id);
      const inside = m ? intersect(m.bounds, view) : null;
      if (inside) view = inside;
      else selected = { kind: 'desktop' };
    }
    this.target = selected;
    this.view = view;
    this.cursor?.setOrigin(view);
    this.needReset = true;
    this.options.send(
      'control',
      encodeControl({
        type: 'screen.monitors',
        monitors: monitors.map((m) => ({
          id: m.id,
          name: m.name.slice(0, 64),
          primary: m.primary,
          bounds: { ...m.bounds },
        })),
        selected,
      }),
    );
  }

  private onDamage(rects: Rect[]): void {
    for (const r of rects) {
      const inside = intersect(r, this.view);
      if (inside)
        this.pendingDamage.push({ ...inside, x: inside.x - this.view.x, y: inside.y - this.view.y });
    }
    if (this.pendingDamage.length > DAMAGE_RECTS_MAX) {
      this.pendingDamage = [this.pendingDamage.reduce(union)];
    }
    this.wake();
  }

  /** Keeps the moves inside the view (both ends), in view coordinates; damage follows and wakes. */
  private onMoves(moves: ScreenMove[]): void {
    const v = this.view;
    for (const m of moves) {
      const dest = intersect(m.rect, v);
      const src = intersect({ ...m.rect, x: m.srcX, y: m.srcY }, v);
      if (!dest || !src || dest.width !== m.rect.width || dest.height !== m.rect.height) continue;
      if (src.width !== m.rect.width || src.height !== m.rect.height) continue;
      this.pendingMoves.push({
        rect: { ...m.rect, x: m.rect.x - v.x, y: m.rect.y - v.y },
        srcX: m.srcX - v.x,
        srcY: m.srcY - v.y,
      });
    }
    if (this.pendingMoves.length > DAMAGE_RECTS_MAX) this.pendingMoves = [];
  }

  private refreshDue(now: number): boolean {
    const at = this.refreshDueAt();
    return at !== null && now >= at;
  }

  /** When still JPEG areas are due for their lossless re-send; never in `low` quality mode. */
  private refreshDueAt(): number | null {
    return this.quality.refreshesLossless ? this.encoder.refreshDueAt() : null;
  }

  private hasWork(now: number): boolean {
    return this.needReset || this.pendingAll || this.pendingDamage.length > 0 || this.refreshDue(now);
  }

  /** Starts an update when one is due and allowed; otherwise does nothing (acks, damage and timers call it again). */
  private wake(): void {
    if (this.state !== 'running' || this.busy) return;
    const now = this.now();
    if (!this.hasWork(now)) {
      const due = this.refreshDueAt();
      if (due !== null) this.refreshLater(due - now);
      return;
    }
    if (this.wakeTimer !== null) return; // an update is already on its way
    if (!this.flow.canSend()) {
      if (!this.blockedNow) {
        this.blockedNow = true;
        this.statsValue.blocked++;
        this.quality.onBlocked(now);
      }
      return;
    }
    this.later(this.lastUpdateAt + this.minInterval - now);
  }

  private refreshLater(ms: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = null;
        this.wake();
      },
      Math.max(0, ms),
    );
  }

  private later(ms: number): void {
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        if (this.hasWork(this.now()) && this.flow.canSend() && !this.busy) void this.update();
        else this.wake();
      },
      Math.max(0, ms),
    );
  }

  private async update(): Promise<void> {
    this.busy = true;
    const wasBlocked = this.blockedNow;
    this.blockedNow = false;
    let retryIn = 0;
    try {
      const t0 = this.now();
      const desktop = this.source.desktopSize();
      if (
        this.view.x + this.view.width > desktop.width ||
        this.view.y + this.view.height > desktop.height ||
        (this.target.kind === 'desktop' &&
          (desktop.width !== this.view.width || desktop.height !== this.view.height))
      ) {
        await this.applyTarget(this.target);
      }
      let damage: Rect[] | null = this.pendingAll ? null : this.pendingDamage;
      const size = this.encoder.size;
      const fresh = this.needReset || size?.width !== this.view.width || size?.height !== this.view.height;
      const refresh = !fresh && this.refreshDue(t0);
      const moveHints = this.pendingMoves;
      this.pendingAll = false;
      this.pendingDamage = [];
      this.pendingMoves = [];
      // Damage-only updates capture just the damaged area's bounding box (a keystroke reads a few
      // hundred pixels, not 8 MB); resets, full compares and refreshes capture the whole view
      // (lossy areas may be anywhere).
      const box = !fresh && !refresh && damage !== null && damage.length > 0 ? damage.reduce(union) : null;
      const grab = box ? { ...box, x: box.x + this.view.x, y: box.y + this.view.y } : this.view;
      // Capture, then encode, then the next capture: never two at once (`busy`), so a frame read
      // in place (X11's mapped segment) is not written by the X server while we encode it.
      const frame = await this.source.capture(grab);
      const t1 = this.now();
      this.statsValue.captureMs += t1 - t0;
      let sent = 0;
      // Each message leaves as soon as it exists: the RESET before the encode, and the parts of a
      // large update while the rest is encoded (the first picture crosses the link and is decoded
      // in parts instead of after the whole encode).
      const send = (m: Uint8Array) => {
        this.options.send('screen', m);
        this.flow.onSent(screenMessageSeq(m), m.byteLength, this.now());
        this.statsValue.messages++;
        this.statsValue.screenBytes += m.byteLength;
        sent++;
      };
      if (fresh || (box === null && (frame.width !== this.view.width || frame.height !== this.view.height))) {
        send(this.encoder.reset(frame.width, frame.height));
        this.needReset = false;
        damage = null;
      }
      const origin = box ? { x: box.x, y: box.y } : { x: 0, y: 0 };
      const result = await this.encoder.encode(frame, damage, this.quality.current(), {
        origin,
        now: t1,
        refresh,
        moveHints,
        onMessage: send,
      });
      this.statsValue.refreshedPixels += result.refreshedPixels;
      const t2 = this.now();
      this.statsValue.encodeMs += t2 - t1;
      for (const m of result.messages) send(m);
      if (sent > 0) this.statsValue.updates++;
      const c = this.statsValue.counters;
      for (const k of Object.keys(c) as (keyof EncodeCounters)[]) c[k] += result.counters[k];
      if (!wasBlocked) this.quality.onClear(t2);
    } catch (e) {
      this.options.onError?.(e);
      // Whatever failed, the stream may be out of step with the viewer: start it over.
      this.needReset = true;
      retryIn = CAPTURE_RETRY_MS;
    } finally {
      // The frame may be the capture memory itself (a mapped MIT-SHM segment lent by the view):
      // it was read by the encode above, and only now may another capture write into it.
      this.source.releaseFrame?.();
      this.lastUpdateAt = this.now() + retryIn;
      this.busy = false;
      this.wake();
    }
  }

  /** Polls the pointer after `ms`, then again when the tracker says (fast while it moves, slow while still). */
  private schedulePointerPoll(ms: number): void {
    this.pointerTimer = setTimeout(() => {
      const cursor = this.cursor;
      if (this.state !== 'running' || cursor === null) return;
      void cursor
        .poll(this.now())
        .catch((e) => this.options.onError?.(e))
        .finally(() => {
          if (this.state === 'running') this.schedulePointerPoll(cursor.nextPollIn(this.now()));
        });
    }, ms);
  }

  private sendCursor(payload: Uint8Array): void {
    this.statsValue.cursorBytes += payload.byteLength;
    this.options.send('cursor', payload);
  }
}
