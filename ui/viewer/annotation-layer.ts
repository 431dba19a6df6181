/**
 * The drawing layer over the picture: while a drawing tool is chosen, the pointer draws instead
 * of controlling. Finished shapes are sent to the helper (which draws them on the customer's real
 * screen) and kept here to be drawn in the viewer's overlay canvas (same pixels as the picture).
 * The laser pointer sends its position about 30 times a second while over the picture and
 * "hidden" when it leaves; it never moves the customer's mouse (it is an annotation, not input).
 */
import type { AnnotationMessage, Shape } from '../../protocol/data/annotations';
import {
  AnnotationMessages,
  extendStroke,
  HIGHLIGHTER_WIDTH_PX,
  STROKE_WIDTH_PX,
  type DrawTool,
} from './annotation-builder';
import { drawLaser, drawShape } from './annotation-render';
import { clientToRemote, type Point, type Rect, type Size } from './coordinate-map';

/** Shortest time between two laser positions sent, in ms. */
export const LASER_INTERVAL_MS = 33;

export interface AnnotationLayerOptions {
  overlay: HTMLCanvasElement;
  canvasRect(): Rect;
  frame(): Size | null;
  origin(): Point;
  tool(): DrawTool | null;
  color(): string;
  /** False when drawing is not possible now (no link, view not granted). */
  send(msg: AnnotationMessage): boolean;
  /** Asks the agent for a text annotation's text at a client point; `done(null)` cancels. */
  askText(client: Point, done: (text: string | null) => void): void;
}

export class AnnotationLayer {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly messages = new AnnotationMessages();
  private readonly shapes = new Map<number, Shape>();
  private drawing: { tool: Exclude<DrawTool, 'laser' | 'text'>; points: Point[]; pointerId: number } | null =
    null;
  private laser: Point | null = null;
  private lastLaserAt = -Infinity;
  private laserTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly detach: (() => void)[] = [];

  constructor(private readonly o: AnnotationLayerOptions) {
    const ctx = o.overlay.getContext('2d');
    if (!ctx) throw new Error('no 2d context for the drawing layer');
    this.ctx = ctx;
    const el = o.overlay;
    const on = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void) => {
      el.addEventListener(type, fn);
      this.detach.push(() => el.removeEventListener(type, fn));
    };
    on('pointerdown', (e) => this.onDown(e));
    on('pointermove', (e) => this.onMove(e));
    on('pointerup', (e) => this.onUp(e));
    on('pointercancel', () => this.cancel());
    on('pointerleave', () => this.hideLaser());
  }

  /** Shapes currently shown. */
  get count(): number {
    return this.shapes.size;
  }

  /** The picture changed size: the overlay follows (drawings stay, in desktop coordinates). */
  resize(width: number, height: number): void {
    if (this.o.overlay.width !== width || this.o.overlay.height !== height) {
      this.o.overlay.width = width;
      this.o.overlay.height = height;
    }
    this.redraw();
  }

  /** The tool changed: an unfinished drawing is dropped, the laser hidden. */
  toolChanged(): void {
    this.cancel();
    this.hideLaser();
  }

  /** "Erase all drawings", here and on the customer's screen. */
  clearAll(): void {
    this.cancel();
    this.o.send(this.messages.clear());
    this.shapes.clear();
    this.redraw();
  }

  /** Removes the most recent drawing. */
  undo(): void {
    const u = this.messages.undo();
    if (!u) return;
    this.o.send(u.message);
    this.shapes.delete(u.id);
    this.redraw();
  }

  /** Forgets the drawings locally (the helper went away: its overlay went with it). */
  forget(): void {
    this.shapes.clear();
    this.redraw();
  }

  dispose(): void {
    if (this.laserTimer !== null) clearTimeout(this.laserTimer);
    for (const d of this.detach) d();
  }

  redraw(): void {
    const { width, height } = this.o.overlay;
    this.ctx.clearRect(0, 0, width, height);
    const origin = this.o.origin();
    for (const shape of this.shapes.values()) drawShape(this.ctx, shape, origin);
    if (this.drawing && this.drawing.points.length > 0) {
      const preview = this.previewShape();
      if (preview) drawShape(this.ctx, preview, origin);
    }
    if (this.laser) drawLaser(this.ctx, this.laser, origin);
  }

  // ------------------------------------------------------------------ pointer

  private remote(e: PointerEvent): Point | null {
    const frame = this.o.frame();
    if (!frame) return null;
    const p = clientToRemote({ x: e.clientX, y: e.clientY }, this.o.canvasRect(), frame, this.o.origin());
    return { x: p.x, y: p.y };
  }

  private onDown(e: PointerEvent): void {
    const tool = this.o.tool();
    if (!tool || e.button !== 0) return;
    const p = this.remote(e);
    if (!p) return;
    e.preventDefault();
    if (tool === 'laser') return;
    if (tool === 'text') {
      this.o.askText({ x: e.clientX, y: e.clientY }, (text) => {
        if (text) this.commit({ tool: 'text', color: this.o.color(), points: [p], text });
      });
      return;
    }
    this.o.overlay.setPointerCapture?.(e.pointerId);
    this.drawing = { tool, points: [p], pointerId: e.pointerId };
    this.redraw();
  }

  private onMove(e: PointerEvent): void {
    const tool = this.o.tool();
    if (!tool) return;
    const p = this.remote(e);
    if (!p) return;
    if (tool === 'laser') {
      this.moveLaser(p);
      return;
    }
    const d = this.drawing;
    if (!d || d.pointerId !== e.pointerId) return;
    if (d.tool === 'pen' || d.tool === 'highlighter') {
      if (!extendStroke(d.points, p)) return;
    } else {
      d.points[1] = p;
    }
    this.redraw();
  }

  private onUp(e: PointerEvent): void {
    const d = this.drawing;
    if (!d || d.pointerId !== e.pointerId) return;
    const p = this.remote(e);
    if (p && d.tool !== 'pen' && d.tool !== 'highlighter') d.points[1] = p;
    else if (p) extendStroke(d.points, p);
    this.drawing = null;
    const points =
      d.tool === 'pen' || d.tool === 'highlighter' ? d.points : [d.points[0]!, d.points[1] ?? d.points[0]!];
    this.commit({ tool: d.tool, color: this.o.color(), points });
  }

  private commit(input: Parameters<AnnotationMessages['add']>[0]): void {
    const added = this.messages.add(input);
    if (!added || added.message.type !== 'shape.add') {
      this.redraw();
      return;
    }
    this.o.send(added.message);
    this.shapes.set(added.id, added.message.shape);
    this.redraw();
  }

  private previewShape(): Shape | null {
    const d = this.drawing!;
    const color = this.o.color();
    const pts = d.points.map((p) => [p.x, p.y] as [number, number]);
    if (d.tool === 'pen') return { kind: 'pen', points: pts, color, width: STROKE_WIDTH_PX };
    if (d.tool === 'highlighter')
      return { kind: 'highlighter', points: pts, color, width: HIGHLIGHTER_WIDTH_PX };
    const from = pts[0]!;
    const to = pts[1] ?? from;
    return { kind: d.tool, from, to, color, width: STROKE_WIDTH_PX };
  }

  private cancel(): void {
    this.drawing = null;
    this.redraw();
  }

  private moveLaser(p: Point): void {
    this.laser = p;
    this.redraw();
    const now = performance.now();
    if (now - this.lastLaserAt >= LASER_INTERVAL_MS) {
      this.lastLaserAt = now;
      this.o.send(this.messages.laser(p));
    } else if (this.laserTimer === null) {
      this.laserTimer = setTimeout(() => {
        this.laserTimer = null;
        this.lastLaserAt = performance.now();
        if (this.laser) this.o.send(this.messages.laser(this.laser));
      }, LASER_INTERVAL_MS);
    }
  }

  private hideLaser(): void {
    if (this.laserTimer !== null) clearTimeout(this.laserTimer);
    this.laserTimer = null;
    if (!this.laser) return;
    this.laser = null;
    this.o.send(this.messages.laser(null));
    this.redraw();
  }
}
