/**
 * One viewer's screen stream, one update at a time: given a captured frame and where it may have
 * changed, produces the screen messages that bring the viewer's picture up to date.
 *
 *   look for a scroll over the damaged box (row hashes of the viewer's copy are cached, so this
 *   costs a sampled hash of the new frame and a memcmp per row) -> send it as COPY and apply it to
 *   the copy -> scan the damaged areas except the verified band -> look for more moves in what
 *   still differs (a scroll beside other changes, a dragged window: WindowMoveDetector) ->
 *   encode the remaining rectangles by content -> commit them to the copy.
 *
 * The viewer's copy holds the source pixels even where JPEG was sent, so lossy areas are not
 * re-sent until they change. Where the viewer's picture is approximate is tracked apart
 * (lossy-areas.ts), through every COPY; areas still for `refreshIdleMs` are re-sent losslessly in
 * an update whose caller asks for the refresh (with a whole frame).
 */
import { ByteWriter, writeReset } from '../../protocol/screen';
import type { PixelBuffer, Rect } from '../platform/types';
import { ChangeDetector, TILE_SIZE } from './change-detector';
import { DeflateStream, DEFLATE_LEVEL } from './deflate-stream';
import type { JpegEncoder } from './jpeg-encoder';
import type { FrameCopy } from './frame-copy';
import { MessageBuilder } from './message-builder';
import { MoveDetector, rowsEqual } from './move-detector';
import { LossyAreas } from './lossy-areas';
import { PixelViewer, type PixelView } from './pixel-view';
import { VideoTiles } from './video-tiles';
import { area as pixels, intersect, union } from './rect-math';
import { WindowMoveDetector, type Move } from './window-move-detector';
import { emptyCounters, RectEncoder, type EncodeCounters, type EncodeQuality } from './rect-encoder';

/** Most reported moves (EncodeOptions.moveHints) checked per update; the rest are only damage. */
const MOVE_HINTS_MAX = 8;
/** Most moves searched per update after the first look (e.g. two terminals scrolling at once). */
const MOVES_PER_UPDATE_MAX = 3;
/**
 * Changes smaller than this (in pixels) are not searched for moves: sending them costs less than
 * hashing and probing a box that may be tall (a keystroke at the bottom, a clock at the top).
 */
const MOVE_SEARCH_MIN_PX = 64 * 32;
/** Re-scans after a move cover whole change-detection tiles (their dirty boxes are rebuilt). */
const TILE = TILE_SIZE;
const SEQ_MAX = 0xffffffff;
/** Still time after which areas sent as JPEG are re-sent losslessly, in ms. */
export const LOSSLESS_REFRESH_IDLE_MS = 1500;
/** Lossless quality for the refresh (rect-encoder.ts never uses JPEG then). */
const REFRESH_QUALITY: EncodeQuality = { lossy: false, jpegQuality: 100 };

export interface EncodeOptions {
  /** Top-left of a partial `frame` in the stream's coordinates (default: 0, 0). */
  origin?: { x: number; y: number };
  /** The caller's clock, in ms (stamps lossy areas). */
  now?: number;
  /**
   * Re-send losslessly the lossy areas still for `refreshIdleMs` (they may lie anywhere: the
   * frame must be whole). The caller asks when `refreshDueAt()` has passed.
   */
  refresh?: boolean;
  /**
   * Moves the system reported since the last update (ScreenSource.onMoves: DXGI's move
   * rectangles), in stream coordinates and in order. Each is checked pixel for pixel against the
   * viewer's copy before it is sent as a COPY (frames may have passed between), so a stale one
   * costs a compare, never a wrong picture.
   */
  moveHints?: readonly Move[];
  /**
   * Receives the update's messages that are complete and not its last while the rest is still
   * being encoded (a large update leaves in parts: message-builder.ts); `messages` of the result
   * then holds only the others. Without it, every message is in the result.
   */
  onMessage?: (message: Uint8Array) => void;
}

export interface UpdateResult {
  /** Screen messages in order, after those given to `onMessage`; empty when nothing changed. */
  messages: Uint8Array[];
  counters: EncodeCounters;
  /** Areas sent as JPEG in this update. */
  lossy: Rect[];
  /** Pixels re-sent losslessly by the refresh in this update. */
  refreshedPixels: number;
}

export class UpdateEncoder {
  private detector: ChangeDetector | null = null;
  private deflate: DeflateStream | null = null;
  private out: MessageBuilder | null = null;
  private readonly moves = new MoveDetector();
  private readonly windows = new WindowMoveDetector();
  private readonly rects: RectEncoder;
  private readonly viewer = new PixelViewer();
  private readonly lossyAreas = new LossyAreas();
  private video: VideoTiles | null = null;
  private seq = 0;
  private everything = false;

  constructor(
    jpeg: JpegEncoder,
    private readonly deflateLevel = DEFLATE_LEVEL,
    private readonly refreshIdleMs = LOSSLESS_REFRESH_IDLE_MS,
  ) {
    this.rects = new RectEncoder(jpeg);
  }

  /** When the oldest approximate area on the viewer will be due for its lossless refresh (null: none). */
  refreshDueAt(): number | null {
    return this.lossyAreas.dueAt(this.refreshIdleMs);
  }

  /** Where the viewer's picture is approximate now, and since when (for tests and stats). */
  lossyAreaList() {
    return this.lossyAreas.list();
  }

  get size(): { width: number; height: number } | null {
    return this.detector ? { width: this.detector.width, height: this.detector.height } : null;
  }

  private nextSeq = (): number => {
    this.seq = this.seq >= SEQ_MAX ? 1 : this.seq + 1;
    return this.seq;
  };

  /** Starts a new stream of `width` x `height`: returns the RESET message; the next update sends everything. */
  reset(width: number, height: number): Uint8Array {
    this.deflate?.close();
    this.deflate = new DeflateStream(this.deflateLevel);
    this.out = new MessageBuilder(this.deflate);
    this.detector = new ChangeDetector(width, height);
    this.lossyAreas.clear();
    this.video = new VideoTiles(width, height);
    this.everything = true;
    const w = new ByteWriter(16);
    writeReset(w, this.nextSeq(), width, height);
    return w.toBytes();
  }

  /**
   * Encodes what changed in `frame` inside `damage` (null: compare the whole frame).
   * `frame` may be a partial capture whose top-left is `options.origin`: then `damage` must lie
   * inside it (what is outside is not looked at).
   */
  async encode(
    frame: PixelBuffer,
    damage: readonly Rect[] | null,
    quality: EncodeQuality,
    options: EncodeOptions = {},
  ): Promise<UpdateResult> {
    const origin = options.origin ?? { x: 0, y: 0 };
    const now = options.now ?? performance.now();
    const detector = this.detector;
    if (detector === null || this.deflate === null) throw new Error('UpdateEncoder.encode before reset');
    const area = { x: origin.x, y: origin.y, width: frame.width, height: frame.height };
    const whole =
      origin.x === 0 && origin.y === 0 && frame.width === detector.width && frame.height === detector.height;
    if (
      area.x < 0 ||
      area.y < 0 ||
      area.x + area.width > detector.width ||
      area.y + area.height > detector.height
    ) {
      throw new RangeError(
        `frame ${frame.width}x${frame.height}+${origin.x}+${origin.y} outside the stream's ${detector.width}x${detector.height}`,
      );
    }
    if (!whole && (this.everything || damage === null || options.refresh === true))
      throw new RangeError('a full update or a refresh needs a full frame');
    const view = this.viewer.view(frame, origin);
    this.out?.streamTo(this.nextSeq, options.onMessage ?? null);
    try {
      return await this.encodeView(
        detector,
        view,
        area,
        damage,
        quality,
        now,
        options.refresh === true,
        options.moveHints ?? [],
      );
    } catch (e) {
      // Half an update may be in the deflate stream and the viewer's copy: only a new stream
      // (reset) can be trusted now.
      this.close();
      this.detector = null;
      throw e;
    } finally {
      this.out?.streamTo(this.nextSeq, null);
    }
  }

  private async encodeView(
    detector: ChangeDetector,
    view: PixelView,
    area: Rect,
    damage: readonly Rect[] | null,
    quality: EncodeQuality,
    now: number,
    refresh: boolean,
    moveHints: readonly Move[],
  ): Promise<UpdateResult> {
    const out = this.out!;
    const counters = emptyCounters();
    if (this.everything) {
      detector.markAll();
      this.everything = false;
    } else {
      // Moves the system reported, first: once copied into the viewer's copy, the moved pixels
      // compare equal in the scan below and are not sent again.
      for (const hint of moveHints.slice(0, MOVE_HINTS_MAX)) {
        if (moveHolds(detector.prev, view, hint, area)) await this.sendMove(out, hint, counters, now);
      }
      const regions = damage === null ? [area] : clipAll(damage, area);
      // A scroll over the damaged box is looked for before the exact scan: rows it verifies need
      // no second comparison, and only the newly exposed rows are scanned.
      const box = regions.length > 0 ? regions.reduce(union) : null;
      let known: Rect | null = null;
      if (box !== null && regions.reduce((sum, r) => sum + pixels(r), 0) >= MOVE_SEARCH_MIN_PX) {
        const move = this.moves.detect(detector.prev, detector.hashes, view, box);
        if (move !== null) {
          await this.sendMove(out, { rect: move.rect, srcX: move.rect.x, srcY: move.srcY }, counters, now);
          known = move.rect;
        }
      }
      detector.scan(view, regions, known);
      // Then on the exact changed area: a scroll beside other changing content, several areas
      // moving at once, a dragged window.
      for (let i = 0; i < MOVES_PER_UPDATE_MAX; i++) {
        const bounds = detector.dirtyBounds();
        if (bounds === null || detector.dirtyArea() < MOVE_SEARCH_MIN_PX) break;
        const vertical = this.moves.detect(detector.prev, detector.hashes, view, bounds);
        const move: Move | null = vertical
          ? { rect: vertical.rect, srcX: vertical.rect.x, srcY: vertical.srcY }
          : this.windows.detect(detector.prev, view, bounds);
        if (move === null) break;
        await this.sendMove(out, move, counters, now);
        // The copy changed the viewer's copy inside move.rect only: rebuild the tiles it touches.
        const redo = intersect(tileCover(move.rect), area);
        if (redo === null) continue;
        detector.clearTiles(redo);
        detector.scan(view, [redo], vertical ? move.rect : null);
      }
    }
    const lossy: Rect[] = [];
    await this.encodeDirty(view, out, quality, counters, now, lossy);
    // The refresh after what changed: areas re-sent as JPEG just now are not still, and those
    // this update painted losslessly are no longer lossy.
    let refreshedPixels = 0;
    if (refresh) {
      for (const r of this.lossyAreas.takeStill(now - this.refreshIdleMs)) {
        detector.markAll(r);
        refreshedPixels += pixels(r);
      }
      await this.encodeDirty(view, out, REFRESH_QUALITY, counters, now, lossy);
    }
    const messages = out.empty ? [] : await out.finish(this.nextSeq);
    return { messages, counters, lossy, refreshedPixels };
  }

  /** Encodes the detector's dirty rectangles and commits them to the viewer's copy. */
  private async encodeDirty(
    view: PixelView,
    out: MessageBuilder,
    quality: EncodeQuality,
    counters: EncodeCounters,
    now: number,
    lossy: Rect[],
  ): Promise<void> {
    const detector = this.detector!;
    for (const rect of detector.takeRects()) {
      const parts = await this.rects.encode(view, rect, out, quality, counters, this.video, now);
      detector.commit(view, rect);
      this.lossyAreas.sent(rect, parts, now);
      lossy.push(...parts);
    }
  }

  /** Sends a move and applies it to the viewer's copy and to the map of its lossy areas. */
  private async sendMove(
    out: MessageBuilder,
    move: Move,
    counters: EncodeCounters,
    now: number,
  ): Promise<void> {
    const { rect, srcX, srcY } = move;
    await out.add({ op: 'copy', x: rect.x, y: rect.y, w: rect.width, h: rect.height, srcX, srcY });
    counters.copy++;
    this.detector!.copyWithin(rect, srcX, srcY);
    this.lossyAreas.copy(rect, srcX, srcY, now);
  }

  close(): void {
    this.deflate?.close();
    this.deflate = null;
    this.out = null;
  }
}

/**
 * Whether copying `move.rect` from (srcX, srcY) of the viewer's copy gives exactly the new frame
 * there: destination inside the captured `area`, source inside the stream, every row equal.
 */
export function moveHolds(prev: FrameCopy, view: PixelView, move: Move, area: Rect): boolean {
  const { rect, srcX, srcY } = move;
  if (rect.width <= 0 || rect.height <= 0 || (srcX === rect.x && srcY === rect.y)) return false;
  const inside = intersect(rect, area);
  if (inside === null || inside.width !== rect.width || inside.height !== rect.height) return false;
  if (srcX < 0 || srcY < 0 || srcX + rect.width > prev.width || srcY + rect.height > prev.height)
    return false;
  for (let row = 0; row < rect.height; row++) {
    const cur = (rect.y + row) * view.pitch + view.offset + rect.x;
    const old = prev.rowAt[srcY + row]! + srcX;
    if (!rowsEqual(view, cur, prev, old, rect.width)) return false;
  }
  return true;
}

function clipAll(rects: readonly Rect[], area: Rect): Rect[] {
  return rects.map((r) => intersect(r, area)).filter((r): r is Rect => r !== null);
}

/** The whole change-detection tiles `r` touches. */
function tileCover(r: Rect): Rect {
  const x = Math.floor(r.x / TILE) * TILE;
  const y = Math.floor(r.y / TILE) * TILE;
  return {
    x,
    y,
    width: Math.ceil((r.x + r.width) / TILE) * TILE - x,
    height: Math.ceil((r.y + r.height) / TILE) * TILE - y,
  };
}
