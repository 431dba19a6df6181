/**
 * The standalone helper's X indicator window on a real X server: shown at the top centre, white
 * on red, above other windows (override-redirect, raised); a click on it stops sharing; hidden,
 * it is gone from the screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X11IndicatorWindow } from '../../../host/platform/linux/x11-indicator-window';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { xwdCapture } from '../screen/xwd-capture';

let x: XDisplay;
let indicator: X11IndicatorWindow | null = null;
let stops = 0;

beforeAll(async () => {
  x = await startXvfb({ width: 640, height: 480 });
  // A window that would cover the indicator if it were not on top.
  x.spawnClient('xterm', ['-geometry', '100x10+0+0']);
  await new Promise((r) => setTimeout(r, 500));
});

afterAll(async () => {
  indicator?.close();
  await x?.stop();
});

function topCentre(): number {
  const shot = xwdCapture(x.display);
  const o = (8 * shot.width + shot.width / 2) * 4;
  return (shot.data[o + 2]! << 16) | (shot.data[o + 1]! << 8) | shot.data[o]!;
}

async function until(pred: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('X11IndicatorWindow', () => {
  it('shows on top, stops on a click, and goes away when hidden', async () => {
    indicator = await X11IndicatorWindow.open(
      x.display,
      () => stops++,
      () => 'Lifeline: sharing with Alex Agent - Stop',
    );
    expect(indicator).not.toBeNull();
    indicator!.show({
      agentNames: ['Alex Agent'],
      grants: { view: true, control: false, clipboard: false, files: false, reboot: false },
    });
    await until(() => topCentre() === 0xb00020, 'the red indicator at the top centre');
    x.run('xdotool', ['mousemove', '320', '8', 'click', '1']);
    await until(() => stops === 1, 'the click to stop sharing');
    indicator!.hide();
    await until(() => topCentre() !== 0xb00020, 'the indicator to go');
  });

  it('is null where no X server answers', async () => {
    expect(
      await X11IndicatorWindow.open(
        ':4999',
        () => undefined,
        () => '',
      ),
    ).toBeNull();
  });
});
