/**
 * One viewer's screen stream, one update at a time: given a captured frame and where it may have
 * changed, produces the screen messages that bring the viewer's picture up to date.
 *
 *   scan damaged areas against the viewer's copy -> find vertical moves (scrolls) in what changed,
 *   send them as COPY and apply them to the copy -> re-scan -> encode the remaining rectangles by
 *   content -> commit them to the copy.
 *
 * The viewer's copy holds the source pixels even where JPEG was sent, so lossy areas are not
 * re-sent until they change (or the caller forces a lossless refresh of them).
 */
import { ByteWriter, writeReset } from '../../protocol/screen';
import type { PixelBuffer, Rect } from '../platform/types';
import { ChangeDetector } from './change-detector';
import { DeflateStream, DEFLATE_LEVEL } from './deflate-stream';
import type { JpegEncoder } from './jpeg-encoder';
import { MessageBuilder } from './message-builder';
import { MOVE_MIN_ROWS, MoveDetector } from './move-detector';
import { PixelViewer } from './pixel-view';
import { intersect, union } from './rect-math';
import { emptyCounters, RectEncoder, type EncodeCounters, type EncodeQuality } from './rect-encoder';

/** Most moves searched per update (e.g. two terminals scrolling at once). */
const MOVES_PER_UPDATE_MAX = 3;
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
  private readonly moves = new MoveDetector();
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
    const out = new MessageBuilder(this.deflate);
    const counters = emptyCounters();
    if (this.everything) {
      detector.markAll();
      this.everything = false;
    } else {
      const regions = damage === null ? [area] : clipAll(damage, area);
      // Big damage first gets a cheap row-level look for a scroll over the damaged box: finding
      // it before the fine scan spares comparing every pixel of rows that merely moved.
      const box = regions.length > 0 ? regions.reduce(union) : null;
      let moved = false;
      if (box !== null && box.height >= MOVE_MIN_ROWS * 2) {
        const rows = detector.changedRows(view, box);
        if (rows !== null && rows.last - rows.first + 1 >= MOVE_MIN_ROWS * 2) {
          const region = { x: box.x, y: rows.first, width: box.width, height: rows.last - rows.first + 1 };
          const move = this.moves.detect(detector.prev, view, region);
          if (move !== null) {
            await this.sendMove(out, move.rect, move.srcY, counters);
            moved = true;
          }
        }
      }
      detector.scan(view, regions);
      // Otherwise look on the exact changed area (a scroll beside other changing content, or
      // several areas moving at once).
      for (let i = 0; !moved && i < MOVES_PER_UPDATE_MAX; i++) {
        const bounds = detector.dirtyBounds();
        if (bounds === null || bounds.height < MOVE_MIN_ROWS * 2) break;
        const move = this.moves.detect(detector.prev, view, bounds);
        if (move === null) break;
        await this.sendMove(out, move.rect, move.srcY, counters);
        detector.clearTiles(bounds);
        detector.scan(view, [bounds]);
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

  /** Sends a vertical move and applies it to the viewer's copy. */
  private async sendMove(
    out: MessageBuilder,
    rect: Rect,
    srcY: number,
    counters: EncodeCounters,
  ): Promise<void> {
    await out.add({ op: 'copy', x: rect.x, y: rect.y, w: rect.width, h: rect.height, srcX: rect.x, srcY });
    counters.copy++;
    this.detector!.copyWithin(rect, rect.x, srcY);
  }

  close(): void {
    this.deflate?.close();
    this.deflate = null;
  }
}

function clipAll(rects: readonly Rect[], area: Rect): Rect[] {
  return rects.map((r) => intersect(r, area)).filter((r): r is Rect => r !== null);
}
