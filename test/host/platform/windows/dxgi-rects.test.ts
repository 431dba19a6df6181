/**
 * DXGI's per-output rectangles on the helper's desktop, whose origin is the Windows virtual
 * screen's (negative when a monitor is left of or above the primary one).
 */
import { describe, expect, it } from 'vitest';
import {
  clipToOutput,
  frameChanges,
  moveToCopy,
  outputToDesktop,
} from '../../../../host/platform/windows/dxgi-rects';

// Three monitors: one left of the primary and higher, the primary at (0,0), one right of it.
const LEFT = { left: -1280, top: -200, right: 0, bottom: 824 };
const PRIMARY = { left: 0, top: 0, right: 1920, bottom: 1080 };
const RIGHT = { left: 1920, top: 0, right: 3840, bottom: 1080 };
/** The virtual screen's origin: the leftmost and topmost edges. */
const ORIGIN = { x: -1280, y: -200 };

describe('DXGI rectangles to desktop coordinates', () => {
  it('offsets each output by its place minus the virtual screen origin', () => {
    const r = { x: 10, y: 20, width: 30, height: 40 };
    expect(outputToDesktop(r, LEFT, ORIGIN)).toEqual({ x: 10, y: 20, width: 30, height: 40 });
    expect(outputToDesktop(r, PRIMARY, ORIGIN)).toEqual({ x: 1290, y: 220, width: 30, height: 40 });
    expect(outputToDesktop(r, RIGHT, ORIGIN)).toEqual({ x: 3210, y: 220, width: 30, height: 40 });
  });

  it('clips what Windows says to the output, and drops what is empty or outside', () => {
    expect(clipToOutput({ left: -5, top: 1000, right: 50, bottom: 2000 }, PRIMARY)).toEqual({
      x: 0,
      y: 1000,
      width: 50,
      height: 80,
    });
    expect(clipToOutput({ left: 10, top: 10, right: 10, bottom: 50 }, PRIMARY)).toBeNull();
    expect(clipToOutput({ left: 2000, top: 0, right: 2100, bottom: 10 }, PRIMARY)).toBeNull();
    expect(clipToOutput({ left: 50, top: 50, right: 10, bottom: 10 }, PRIMARY)).toBeNull();
  });

  it('turns a move rectangle into a COPY on the desktop (a window dragged on the right monitor)', () => {
    const move = {
      source: { x: 100, y: 200 },
      destination: { left: 140, top: 180, right: 540, bottom: 480 },
    };
    expect(moveToCopy(move, RIGHT, ORIGIN)).toEqual({
      rect: { x: 1920 + 1280 + 140, y: 200 + 180, width: 400, height: 300 },
      srcX: 1920 + 1280 + 100,
      srcY: 200 + 200,
    });
    // A scroll on the left monitor (negative place): source below the destination.
    const scroll = { source: { x: 0, y: 40 }, destination: { left: 0, top: 0, right: 1280, bottom: 784 } };
    expect(moveToCopy(scroll, LEFT, ORIGIN)).toEqual({
      rect: { x: 0, y: 0, width: 1280, height: 784 },
      srcX: 0,
      srcY: 40,
    });
  });

  it('does not copy what would read or write outside the output (it stays damage)', () => {
    const outside = { source: { x: 1900, y: 0 }, destination: { left: 0, top: 0, right: 100, bottom: 100 } };
    expect(moveToCopy(outside, PRIMARY, ORIGIN)).toBeNull();
    const cut = { source: { x: 0, y: 0 }, destination: { left: 1900, top: 0, right: 2000, bottom: 100 } };
    expect(moveToCopy(cut, PRIMARY, ORIGIN)).toBeNull();
    const changes = frameChanges([], [outside, cut], PRIMARY, ORIGIN);
    expect(changes.moves).toEqual([]);
    expect(changes.damage).toEqual([
      { x: 1280, y: 200, width: 100, height: 100 },
      { x: 1280 + 1900, y: 200, width: 20, height: 100 },
    ]);
  });

  it("a frame's changes: moves as copies, and as damage every move destination and dirty rectangle", () => {
    const changes = frameChanges(
      [{ left: 0, top: 0, right: 16, bottom: 8 }],
      [{ source: { x: 0, y: 30 }, destination: { left: 0, top: 10, right: 200, bottom: 110 } }],
      PRIMARY,
      ORIGIN,
    );
    expect(changes.moves).toEqual([
      { rect: { x: 1280, y: 210, width: 200, height: 100 }, srcX: 1280, srcY: 230 },
    ]);
    expect(changes.damage).toEqual([
      { x: 1280, y: 210, width: 200, height: 100 },
      { x: 1280, y: 200, width: 16, height: 8 },
    ]);
    // What is read from the GPU: in the output's own coordinates.
    expect(changes.outputRects).toEqual([
      { x: 0, y: 10, width: 200, height: 100 },
      { x: 0, y: 0, width: 16, height: 8 },
    ]);
  });
});
