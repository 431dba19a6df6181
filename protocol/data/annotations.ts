/**
 * Payload of the `annotations` data channel (viewer -> helper): drawings the agent makes on the
 * customer's screen. Coordinates are desktop pixels. The helper draws them in an overlay window
 * that is excluded from capture, so they never come back in the picture stream.
 */
import * as z from 'zod';

/** Points in one stroke at most. */
export const STROKE_MAX_POINTS = 4096;
/** Longest text annotation, in characters. */
export const ANNOTATION_TEXT_MAX_CHARS = 500;

const coord = z.number().int().min(-32_767).max(32_767);
const Point = z.tuple([coord, coord]);
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/);

export const Shape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pen'), points: z.array(Point).min(1).max(STROKE_MAX_POINTS), color: Color, width: z.number().int().min(1).max(64) }),
  z.object({ kind: z.literal('highlighter'), points: z.array(Point).min(1).max(STROKE_MAX_POINTS), color: Color, width: z.number().int().min(4).max(64) }),
  z.object({ kind: z.literal('arrow'), from: Point, to: Point, color: Color, width: z.number().int().min(1).max(64) }),
  z.object({ kind: z.literal('rectangle'), from: Point, to: Point, color: Color, width: z.number().int().min(1).max(64) }),
  z.object({ kind: z.literal('text'), at: Point, text: z.string().min(1).max(ANNOTATION_TEXT_MAX_CHARS), color: Color, size: z.number().int().min(8).max(96) }),
]);
export type Shape = z.infer<typeof Shape>;

export const AnnotationMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('shape.add'), id: z.number().int().min(0), shape: Shape }),
  z.object({ type: z.literal('shape.remove'), id: z.number().int().min(0) }),
  /** "Erase all drawings". */
  z.object({ type: z.literal('shapes.clear') }),
  /** The laser pointer: shows where to look without moving the customer's mouse; null hides it. */
  z.object({ type: z.literal('laser'), at: Point.nullable() }),
]);
export type AnnotationMessage = z.infer<typeof AnnotationMessage>;
