/**
 * Builds the `annotations` channel messages (protocol/data/annotations.ts) from what the agent
 * draws: tools, colours and widths, stroke points in desktop pixels. Every message it returns
 * passes the protocol's schema (points rounded and clamped, strokes thinned to the point limit,
 * text cut to its limit), so the helper never has to refuse one. Shape ids count up from 1 per
 * viewer window. Pure (no DOM); the overlay layer feeds it.
 */
import {
  ANNOTATION_TEXT_MAX_CHARS,
  STROKE_MAX_POINTS,
  type AnnotationMessage,
  type Shape,
} from '../../protocol/data/annotations';
import type { Point } from './coordinate-map';

export type DrawTool = 'pen' | 'highlighter' | 'arrow' | 'rectangle' | 'text' | 'laser';

/** Colours offered in the viewer (high contrast on most desktops). */
export const DRAW_COLORS = ['#e53935', '#fdd835', '#43a047', '#1e88e5', '#000000', '#ffffff'] as const;
export const DEFAULT_COLOR = DRAW_COLORS[0];

/** Line width of pen, arrow and rectangle, in desktop pixels. */
export const STROKE_WIDTH_PX = 4;
/** Width of the highlighter, in desktop pixels. */
export const HIGHLIGHTER_WIDTH_PX = 18;
/** Text size, in desktop pixels. */
export const TEXT_SIZE_PX = 24;
/** A stroke point closer than this to the last kept one is dropped while drawing, in desktop pixels. */
export const MIN_POINT_STEP_PX = 2;

const COORD_MAX = 32_767;

function toCoord(v: number): number {
  if (!Number.isFinite(v)) return 0;
  return Math.max(-COORD_MAX, Math.min(COORD_MAX, Math.round(v)));
}

function toPoint(p: Point): [number, number] {
  return [toCoord(p.x), toCoord(p.y)];
}

/** Keeps at most `max` points, evenly spaced, always with the first and the last. */
export function thinPoints(points: readonly Point[], max = STROKE_MAX_POINTS): Point[] {
  if (points.length <= max) return [...points];
  const out: Point[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}

/** Adds `p` to a stroke being drawn unless it is within MIN_POINT_STEP_PX of the last point. */
export function extendStroke(points: Point[], p: Point): boolean {
  const last = points[points.length - 1];
  if (last && Math.abs(last.x - p.x) < MIN_POINT_STEP_PX && Math.abs(last.y - p.y) < MIN_POINT_STEP_PX) {
    return false;
  }
  points.push(p);
  return true;
}

export interface ShapeInput {
  tool: Exclude<DrawTool, 'laser'>;
  color: string;
  /** Pen/highlighter: every point; arrow/rectangle: [from, to]; text: [at]. */
  points: readonly Point[];
  text?: string;
}

/** The protocol shape for what was drawn, or null when there is nothing to send (empty text, no points). */
export function buildShape(input: ShapeInput): Shape | null {
  const color = /^#[0-9a-fA-F]{6}$/.test(input.color) ? input.color : DEFAULT_COLOR;
  const first = input.points[0];
  if (!first) return null;
  const last = input.points[input.points.length - 1]!;
  switch (input.tool) {
    case 'pen':
      return { kind: 'pen', points: thinPoints(input.points).map(toPoint), color, width: STROKE_WIDTH_PX };
    case 'highlighter':
      return {
        kind: 'highlighter',
        points: thinPoints(input.points).map(toPoint),
        color,
        width: HIGHLIGHTER_WIDTH_PX,
      };
    case 'arrow':
      return { kind: 'arrow', from: toPoint(first), to: toPoint(last), color, width: STROKE_WIDTH_PX };
    case 'rectangle':
      return { kind: 'rectangle', from: toPoint(first), to: toPoint(last), color, width: STROKE_WIDTH_PX };
    case 'text': {
      const text = [...(input.text ?? '').trim()].slice(0, ANNOTATION_TEXT_MAX_CHARS).join('');
      if (text.length === 0) return null;
      return { kind: 'text', at: toPoint(first), text, color, size: TEXT_SIZE_PX };
    }
  }
}

/** Numbers shapes and builds the channel's messages. */
export class AnnotationMessages {
  private nextId = 1;
  private readonly ids: number[] = [];

  /** shape.add for a finished drawing, with its id (null when nothing to send). */
  add(input: ShapeInput): { id: number; message: AnnotationMessage } | null {
    const shape = buildShape(input);
    if (!shape) return null;
    const id = this.nextId++;
    this.ids.push(id);
    return { id, message: { type: 'shape.add', id, shape } };
  }

  /** shape.remove for the most recent shape still shown ("undo"), or null when there is none. */
  undo(): { id: number; message: AnnotationMessage } | null {
    const id = this.ids.pop();
    return id === undefined ? null : { id, message: { type: 'shape.remove', id } };
  }

  clear(): AnnotationMessage {
    this.ids.length = 0;
    return { type: 'shapes.clear' };
  }

  laser(at: Point | null): AnnotationMessage {
    return { type: 'laser', at: at ? toPoint(at) : null };
  }

  get count(): number {
    return this.ids.length;
  }
}
