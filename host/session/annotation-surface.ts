/**
 * Where the agent's drawings (protocol/data/annotations.ts) go on the customer's machine. The
 * session hands every valid message to an AnnotationSurface: on an X desktop the overlay of
 * host/overlay/ (drawn on the customer's screen, excluded from capture, so drawings never come
 * back in the picture stream); elsewhere HeldAnnotations, which only keeps the current drawings.
 * Bounded: at most ANNOTATION_SHAPES_MAX shapes are held.
 */
import type { AnnotationMessage, Shape } from '../../protocol/data/annotations';
import type { ScreenSource } from '../platform/types';

/** Shapes held at once; older ones are dropped first. */
export const ANNOTATION_SHAPES_MAX = 1000;

export interface AnnotationSurface {
  /** One message from viewer `peerId` (already validated). */
  apply(peerId: number, msg: AnnotationMessage): void;
  /** The viewer left or the customer stopped sharing: its drawings go. */
  clear(peerId: number): void;
  close(): void;
  /**
   * A surface that draws on the customer's real screen wraps every viewer's screen source with
   * this, so its drawings never come back in the picture stream (host/overlay/).
   */
  excludeFrom?(source: ScreenSource): ScreenSource;
}

/** Holds the drawings without showing them (no overlay yet). */
export class HeldAnnotations implements AnnotationSurface {
  /** `${peerId}:${id}` -> shape, in insertion order. */
  private readonly shapes = new Map<string, Shape>();
  private readonly lasers = new Map<number, [number, number]>();

  apply(peerId: number, msg: AnnotationMessage): void {
    switch (msg.type) {
      case 'shape.add': {
        const key = `${peerId}:${msg.id}`;
        this.shapes.delete(key);
        this.shapes.set(key, msg.shape);
        if (this.shapes.size > ANNOTATION_SHAPES_MAX) {
          const oldest = this.shapes.keys().next().value;
          if (oldest !== undefined) this.shapes.delete(oldest);
        }
        return;
      }
      case 'shape.remove':
        this.shapes.delete(`${peerId}:${msg.id}`);
        return;
      case 'shapes.clear':
        this.clear(peerId);
        return;
      case 'laser':
        if (msg.at) this.lasers.set(peerId, msg.at);
        else this.lasers.delete(peerId);
        return;
    }
  }

  clear(peerId: number): void {
    for (const key of [...this.shapes.keys()]) if (key.startsWith(`${peerId}:`)) this.shapes.delete(key);
    this.lasers.delete(peerId);
  }

  close(): void {
    this.shapes.clear();
    this.lasers.clear();
  }

  /** What an overlay would draw now. */
  snapshot(): { shapes: Shape[]; lasers: [number, number][] } {
    return { shapes: [...this.shapes.values()], lasers: [...this.lasers.values()] };
  }
}
