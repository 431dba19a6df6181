/** Where a click lands: client point -> remote desktop pixel, scaled to fit and 1:1 with scrolling. */
import { describe, expect, it } from 'vitest';
import {
  canvasClientRect,
  clientToRemote,
  layoutCanvas,
  remoteToClient,
} from '../../../ui/viewer/coordinate-map';

const FRAME = { width: 1920, height: 1080 };

describe('layoutCanvas', () => {
  it('fits a 1920x1080 picture into 960x700 at half size, centred vertically', () => {
    const l = layoutCanvas(FRAME, { width: 960, height: 700 }, 'fit');
    expect(l.scale).toBe(0.5);
    expect([l.width, l.height]).toEqual([960, 540]);
    expect([l.left, l.top]).toEqual([0, 80]);
  });

  it('fits by the narrower side and scales up a small picture', () => {
    const l = layoutCanvas({ width: 800, height: 600 }, { width: 1600, height: 1500 }, 'fit');
    expect(l.scale).toBe(2);
    expect([l.left, l.top]).toEqual([0, 150]);
  });

  it('shows one remote pixel per device pixel at 1:1, larger than the viewport (no centring)', () => {
    expect(layoutCanvas(FRAME, { width: 800, height: 600 }, 'actual', 1)).toEqual({
      scale: 1,
      width: 1920,
      height: 1080,
      left: 0,
      top: 0,
    });
    expect(layoutCanvas(FRAME, { width: 800, height: 600 }, 'actual', 2).scale).toBe(0.5);
  });

  it('has nothing to lay out before the first picture', () => {
    expect(layoutCanvas({ width: 0, height: 0 }, { width: 800, height: 600 }, 'fit').width).toBe(0);
  });
});

describe('clientToRemote', () => {
  it('maps a click on a scaled picture to the desktop pixel under it', () => {
    const l = layoutCanvas(FRAME, { width: 960, height: 700 }, 'fit');
    const rect = canvasClientRect(l, { x: 0, y: 50 }, { x: 0, y: 0 }); // toolbar above: viewport at y=50
    // Client (480, 50 + 80 + 270) is the centre of the picture.
    expect(clientToRemote({ x: 480, y: 400 }, rect, FRAME)).toEqual({ x: 960, y: 540, inside: true });
    expect(clientToRemote({ x: 0.4, y: 130.4 }, rect, FRAME)).toEqual({ x: 0, y: 0, inside: true });
    expect(clientToRemote({ x: 959.9, y: 669.9 }, rect, FRAME)).toEqual({ x: 1919, y: 1079, inside: true });
  });

  it('maps a click at 1:1 after scrolling, so the scrolled-away part is counted', () => {
    const l = layoutCanvas(FRAME, { width: 800, height: 600 }, 'actual');
    const rect = canvasClientRect(l, { x: 10, y: 50 }, { x: 700, y: 300 });
    expect(rect.left).toBe(-690);
    expect(clientToRemote({ x: 110, y: 150 }, rect, FRAME)).toEqual({ x: 800, y: 400, inside: true });
  });

  it('adds the selected monitor origin (the picture is one monitor of a wider desktop)', () => {
    const monitor = { width: 1280, height: 1024 };
    const rect = { left: 0, top: 0, width: 640, height: 512 };
    expect(clientToRemote({ x: 100, y: 100 }, rect, monitor, { x: 1920, y: 0 })).toEqual({
      x: 2120,
      y: 200,
      inside: true,
    });
  });

  it('clamps points outside the picture (a drag that leaves the canvas) and says so', () => {
    const rect = { left: 100, top: 100, width: 960, height: 540 };
    expect(clientToRemote({ x: 50, y: 2000 }, rect, FRAME)).toEqual({ x: 0, y: 1079, inside: false });
  });

  it('round-trips with remoteToClient at every scale', () => {
    for (const mode of ['fit', 'actual'] as const) {
      const l = layoutCanvas(FRAME, { width: 1000, height: 700 }, mode);
      const rect = canvasClientRect(
        l,
        { x: 3, y: 41 },
        { x: mode === 'actual' ? 321 : 0, y: mode === 'actual' ? 123 : 0 },
      );
      for (const p of [
        { x: 0, y: 0 },
        { x: 1919, y: 1079 },
        { x: 777, y: 333 },
      ]) {
        const c = remoteToClient(p, rect, FRAME);
        const back = clientToRemote(c, rect, FRAME);
        expect({ x: back.x, y: back.y }).toEqual(p);
      }
    }
  });
});
