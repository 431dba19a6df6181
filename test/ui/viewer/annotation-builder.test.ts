/** Drawings -> annotation messages that always pass the protocol's schema. */
import { describe, expect, it } from 'vitest';
import {
  AnnotationMessage,
  ANNOTATION_TEXT_MAX_CHARS,
  STROKE_MAX_POINTS,
} from '../../../protocol/data/annotations';
import {
  AnnotationMessages,
  buildShape,
  extendStroke,
  thinPoints,
} from '../../../ui/viewer/annotation-builder';

const valid = (m: unknown) => AnnotationMessage.safeParse(m).success;

describe('AnnotationMessages', () => {
  it('numbers shapes from 1 and builds shape.add for each tool', () => {
    const a = new AnnotationMessages();
    const pen = a.add({
      tool: 'pen',
      color: '#e53935',
      points: [
        { x: 1.4, y: 2.6 },
        { x: 10, y: 20 },
      ],
    });
    expect(pen).toEqual({
      id: 1,
      message: {
        type: 'shape.add',
        id: 1,
        shape: {
          kind: 'pen',
          points: [
            [1, 3],
            [10, 20],
          ],
          color: '#e53935',
          width: 4,
        },
      },
    });
    const arrow = a.add({
      tool: 'arrow',
      color: '#1e88e5',
      points: [
        { x: 100, y: 100 },
        { x: 50, y: 60 },
        { x: 300, y: 200 },
      ],
    });
    expect(arrow?.message).toEqual({
      type: 'shape.add',
      id: 2,
      shape: { kind: 'arrow', from: [100, 100], to: [300, 200], color: '#1e88e5', width: 4 },
    });
    const rect = a.add({
      tool: 'rectangle',
      color: '#43a047',
      points: [
        { x: 5, y: 5 },
        { x: 1, y: 1 },
      ],
    });
    expect(rect?.message).toMatchObject({ shape: { kind: 'rectangle', from: [5, 5], to: [1, 1] } });
    const hl = a.add({ tool: 'highlighter', color: '#fdd835', points: [{ x: 0, y: 0 }] });
    expect(hl?.message).toMatchObject({ shape: { kind: 'highlighter', width: 18 } });
    const text = a.add({ tool: 'text', color: '#000000', points: [{ x: 7, y: 8 }], text: '  Click here  ' });
    expect(text?.message).toMatchObject({
      shape: { kind: 'text', at: [7, 8], text: 'Click here', size: 24 },
    });
    for (const m of [pen, arrow, rect, hl, text]) expect(valid(m!.message)).toBe(true);
    expect(a.count).toBe(5);
  });

  it('undoes the latest shape, erases all, and hides the laser', () => {
    const a = new AnnotationMessages();
    a.add({ tool: 'pen', color: '#e53935', points: [{ x: 1, y: 1 }] });
    a.add({ tool: 'pen', color: '#e53935', points: [{ x: 2, y: 2 }] });
    expect(a.undo()).toEqual({ id: 2, message: { type: 'shape.remove', id: 2 } });
    expect(a.clear()).toEqual({ type: 'shapes.clear' });
    expect(a.undo()).toBeNull();
    expect(a.laser({ x: 12.7, y: -3.2 })).toEqual({ type: 'laser', at: [13, -3] });
    expect(a.laser(null)).toEqual({ type: 'laser', at: null });
  });

  it('sends nothing for empty text or no points, and cuts text to the limit', () => {
    expect(buildShape({ tool: 'text', color: '#000000', points: [{ x: 1, y: 1 }], text: '   ' })).toBeNull();
    expect(buildShape({ tool: 'pen', color: '#000000', points: [] })).toBeNull();
    const long = buildShape({
      tool: 'text',
      color: '#000000',
      points: [{ x: 1, y: 1 }],
      text: 'é'.repeat(600),
    });
    expect(long?.kind === 'text' && long.text.length).toBe(ANNOTATION_TEXT_MAX_CHARS);
  });

  it('thins long strokes to the protocol limit, keeping both ends', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: i * 2 }));
    const thin = thinPoints(points);
    expect(thin).toHaveLength(STROKE_MAX_POINTS);
    expect(thin[0]).toEqual({ x: 0, y: 0 });
    expect(thin.at(-1)).toEqual({ x: 9999, y: 19998 });
    const shape = buildShape({ tool: 'pen', color: '#ffffff', points });
    expect(valid({ type: 'shape.add', id: 1, shape })).toBe(true);
  });

  it('clamps coordinates and replaces a malformed colour', () => {
    const shape = buildShape({
      tool: 'arrow',
      color: 'red',
      points: [
        { x: -1e9, y: Number.NaN },
        { x: 1e9, y: 5 },
      ],
    });
    expect(shape).toMatchObject({ from: [-32767, 0], to: [32767, 5], color: '#e53935' });
    expect(valid({ type: 'shape.add', id: 1, shape })).toBe(true);
  });

  it('drops stroke points closer than the minimum step', () => {
    const pts = [{ x: 0, y: 0 }];
    expect(extendStroke(pts, { x: 1, y: 1 })).toBe(false);
    expect(extendStroke(pts, { x: 3, y: 0 })).toBe(true);
    expect(pts).toHaveLength(2);
  });
});
