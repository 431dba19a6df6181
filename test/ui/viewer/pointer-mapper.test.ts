/** Pointer and wheel -> input events: positions, thinning, buttons, wheel steps. */
import { describe, expect, it } from 'vitest';
import { InputEvent } from '../../../protocol/data/input';
import { PointerMapper, POINTER_MOVE_MIN_MS } from '../../../ui/viewer/pointer-mapper';

const GEO = {
  canvasRect: { left: 0, top: 40, width: 960, height: 540 },
  frame: { width: 1920, height: 1080 },
  origin: { x: 0, y: 0 },
};

describe('PointerMapper', () => {
  it('maps moves to desktop pixels and thins them to one per interval (latest wins)', () => {
    const p = new PointerMapper();
    expect(p.move({ x: 100, y: 140 }, GEO, 0)).toEqual({ type: 'pointer.move', x: 200, y: 200 });
    expect(p.move({ x: 101, y: 140 }, GEO, 5)).toBeNull();
    expect(p.move({ x: 102, y: 141 }, GEO, 10)).toBeNull();
    expect(p.hasPendingMove()).toBe(true);
    expect(p.flushMove(POINTER_MOVE_MIN_MS)).toEqual({ type: 'pointer.move', x: 204, y: 202 });
    expect(p.flushMove(POINTER_MOVE_MIN_MS + 1)).toBeNull();
  });

  it('moves to the click point first, so a click lands where the agent clicked', () => {
    const p = new PointerMapper();
    p.move({ x: 10, y: 50 }, GEO, 0);
    p.move({ x: 300, y: 300 }, GEO, 1); // held back by thinning
    expect(p.button(0, true, { x: 300, y: 300 }, GEO, 2)).toEqual([
      { type: 'pointer.move', x: 600, y: 520 },
      { type: 'pointer.button', button: 'left', down: true, x: 600, y: 520 },
    ]);
    expect(p.hasPendingMove()).toBe(false);
    expect(p.button(0, false, { x: 300, y: 300 }, GEO, 3)).toEqual([
      { type: 'pointer.button', button: 'left', down: false, x: 600, y: 520 },
    ]);
  });

  it('names DOM buttons and ignores unknown ones', () => {
    const p = new PointerMapper();
    const names = [0, 1, 2, 3, 4].map((b) => p.button(b, true, { x: 0, y: 40 }, GEO, 0).at(-1));
    expect(names.map((e) => e?.type === 'pointer.button' && e.button)).toEqual([
      'left',
      'middle',
      'right',
      'back',
      'forward',
    ]);
    expect(p.button(7, true, { x: 0, y: 40 }, GEO, 0)).toEqual([]);
  });

  it('turns wheel deltas into whole steps, keeping the remainder', () => {
    const p = new PointerMapper();
    expect(p.wheel(0, 50, 0, { x: 0, y: 40 }, GEO, 0)).toEqual([]);
    const ev = p.wheel(0, 60, 0, { x: 0, y: 40 }, GEO, 1);
    expect(ev.at(-1)).toEqual({ type: 'pointer.wheel', dx: 0, dy: 1, x: 0, y: 0 });
    expect(p.wheel(0, -3, 1, { x: 0, y: 40 }, GEO, 2).at(-1)).toMatchObject({ dy: -1 }); // Firefox: lines
    expect(p.wheel(0, 1, 2, { x: 0, y: 40 }, GEO, 3).at(-1)).toMatchObject({ dy: 3 }); // one page
    const huge = p.wheel(1e6, -1e6, 0, { x: 0, y: 40 }, GEO, 4).at(-1)!;
    expect(huge).toMatchObject({ dx: 100, dy: -100 });
    expect(InputEvent.safeParse(huge).success).toBe(true);
  });

  it('adds the monitor origin and clamps to the picture', () => {
    const p = new PointerMapper();
    const geo = { ...GEO, origin: { x: 1920, y: 0 } };
    expect(p.move({ x: -50, y: 10_000 }, geo, 0)).toEqual({ type: 'pointer.move', x: 1920, y: 1079 });
  });
});
