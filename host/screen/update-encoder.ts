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
 * re-sent until they change (or the caller forces a lossless refresh of them).
 */
import { ByteWriter, writeReset } from '../../protocol/screen';
import type { PixelBuffer, Rect } from '../platform/types';
import { ChangeDetector, TILE_SIZE } from './change-detector';
import { DeflateStream, DEFLATE_LEVEL } from './deflate-stream';
import type { JpegEncoder } from './jpeg-encoder';
import { MessageBuilder } from './message-builder';
import { MoveDetector } from './move-detector';
import { PixelViewer, type PixelView } from './pixel-view';
import { area as pixels, intersect, union } from './rect-math';
import { WindowMoveDetector, type Move } from './window-move-detector';
import { emptyCounters, RectEncoder, type EncodeCounters, type EncodeQuality } from './rect-encoder';

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

export interface UpdateResult {
  /** Screen messages in order; empty when nothing changed. */
  messages: Uint8Array[];
  counters: EncodeCounters;
  /** Areas sent as JPEG in this update. */
  lossy: Rect[];
}

export class UpdateEncoder {
  private detector: ChangeDetector | null = null;
  private deflate: DeflateStream | null = null;
  private out: MessageBuilder | null = null;
  private readonly moves = new MoveDetector();
  private readonly windows = new WindowMoveDetector();
  private readonly rects: RectEncoder;
  private readonly viewer = new PixelViewer();
  private seq = 0;
  private everything = false;

  constructor(
    jpeg: JpegEncoder,
    private readonly deflateLevel = DEFLATE_LEVEL,
  ) {
    this.rects = new RectEncoder(jpeg);
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
    this.everything = true;
    const w = new ByteWriter(16);
    writeReset(w, this.nextSeq(), width, height);
    return w.toBytes();
  }

  /**
   * Encodes what changed in `frame` inside `damage` (null: compare the whole frame). `force`
   * areas are re-sent whatever the comparison says (a lossless refresh of JPEG areas).
   * `frame` may be a partial capture whose top-left is `origin`: then `damage` and `force` must
   * lie inside it (what is outside is not looked at).
   */
  async encode(
    frame: PixelBuffer,
    damage: readonly Rect[] | null,
    quality: EncodeQuality,
    force: readonly Rect[] = [],
    origin: { x: number; y: number } = { x: 0, y: 0 },
  ): Promise<UpdateResult> {
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
    if (!whole && (this.everything || damage === null))
      throw new RangeError('a full update needs a full frame');
    const view = this.viewer.view(frame, origin);
    try {
      return await this.encodeView(detector, view, area, damage, quality, force);
    } catch (e) {
      // Half an update may be in the deflate stream and the viewer's copy: only a new stream
      // (reset) can be trusted now.
      this.close();
      this.detector = null;
      throw e;
    }
  }

  private async encodeView(
    detector: ChangeDetector,
    view: PixelView,
    area: Rect,
    damage: readonly Rect[] | null,
    quality: EncodeQuality,
    force: readonly Rect[],
  ): Promise<UpdateResult> {
    const out = this.out!;
    const counters = emptyCounters();
    if (this.everything) {
      detector.markAll();
      this.everything = false;
    } else {
      const regions = damage === null ? [area] : clipAll(damage, area);
      // A scroll over the damaged box is looked for before the exact scan: rows it verifies need
      // no second comparison, and only the newly exposed rows are scanned.
      const box = regions.length > 0 ? regions.reduce(union) : null;
      let known: Rect | null = null;
      if (box !== null && regions.reduce((sum, r) => sum + pixels(r), 0) >= MOVE_SEARCH_MIN_PX) {
        const move = this.moves.detect(detector.prev, detector.hashes, view, box);
        if (move !== null) {
          await this.sendMove(out, { rect: move.rect, srcX: move.rect.x, srcY: move.srcY }, counters);
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
        await this.sendMove(out, move, counters);
        // The copy changed the viewer's copy inside move.rect only: rebuild the tiles it touches.
        const redo = intersect(tileCover(move.rect), area);
        if (redo === null) continue;
        detector.clearTiles(redo);
        detector.scan(view, [redo], vertical ? move.rect : null);
      }
      for (const r of clipAll(force, area)) detector.markAll(r);
    }
    const lossy: Rect[] = [];
    for (const rect of detector.takeRects()) {
      lossy.push(...(await this.rects.encode(view, rect, out, quality, counters)));
      detector.commit(view, rect);
    }
    const messages = out.empty ? [] : await out.finish(this.nextSeq);
    return { messages, counters, lossy };
  }

  /** Sends a move and applies it to the viewer's copy. */
  private async sendMove(out: MessageBuilder, move: Move, counters: EncodeCounters): Promise<void> {
    const { rect, srcX, srcY } = move;
    await out.add({ op: 'copy', x: rect.x, y: rect.y, w: rect.width, h: rect.height, srcX, srcY });
    counters.copy++;
    this.detector!.copyWithin(rect, srcX, srcY);
  }

  close(): void {
    this.deflate?.close();
    this.deflate = null;
    this.out = null;
  }
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
