/**
 * The customer's picture becomes exact once the screen is still, whatever moved. A real browser
 * (Chromium in a window on Xvfb) shows a page with photos, a table and anti-aliased text; it is
 * scrolled with the wheel (XTEST), so photos sent as JPEG move on the viewer by COPY operations.
 * Once the page stops, the lossless refresh must reach those pixels where they are NOW: the
 * decoded picture must equal an independent X capture (xwd) pixel for pixel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X11InputSink } from '../../../host/platform/linux/x11-input-sink';
import { silentPlatformLog } from '../../../host/platform/platform-log';
import { startChromiumDesktop, type ChromiumDesktop } from '../../support/chromium-desktop';
import { writePhotoPage } from '../../support/photo-page';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { startDecodedScreen, type DecodedScreen } from './decoded-screen';

/** Time between wheel steps, in ms (a person scrolling a page). */
const WHEEL_GAP_MS = 120;
/**
 * How long the picture may take to become exact once the page is still, in ms: the encoder waits
 * 1.5 s of stillness before its lossless refresh; the rest is room for a loaded machine (the
 * fault this guards against never converges: moved JPEG pixels stayed wrong until a full frame).
 */
const EXACT_WITHIN_MS = 15_000;

let x: XDisplay;
let chromium: ChromiumDesktop;
let screen: DecodedScreen;
let input: X11InputSink;
let pageDir: string;

beforeAll(async () => {
  x = await startXvfb({ width: 1024, height: 768 });
  pageDir = mkdtempSync(join(tmpdir(), 'lifeline-photo-page-'));
  const url = writePhotoPage(pageDir, { sections: 4, photoWidth: 420, photoHeight: 260 });
  chromium = await startChromiumDesktop(x, url);
  input = await X11InputSink.open(x.display, silentPlatformLog);
  await input.pointerMove(500, 400);
  screen = await startDecodedScreen(x.display);
});

afterAll(async () => {
  await input?.close();
  await screen?.close();
  await chromium?.close();
  await x?.stop();
  if (pageDir) rmSync(pageDir, { recursive: true, force: true });
});

async function scroll(steps: number): Promise<void> {
  for (let i = 0; i < Math.abs(steps); i++) {
    await input.wheel(0, Math.sign(steps));
    await new Promise((r) => setTimeout(r, WHEEL_GAP_MS));
  }
}

describe('screen stream of a real browser page (Chromium on Xvfb)', () => {
  it('shows the page exactly once it is still (photos first as JPEG, then lossless)', async () => {
    expect(await screen.settle(EXACT_WITHIN_MS)).toBe(0);
    expect(screen.encoder.stats().counters.jpeg).toBeGreaterThan(0);
  });

  it('is exact again after the wheel scrolls photos along (lossy areas follow the COPY)', async () => {
    const before = screen.encoder.stats().counters;
    await scroll(4);
    await scroll(-2);
    await scroll(3);
    const after = screen.encoder.stats().counters;
    // The scroll went out as moves, and new photo pixels as JPEG (what makes this case hard).
    expect(after.copy).toBeGreaterThan(before.copy);
    expect(after.jpeg).toBeGreaterThan(before.jpeg);
    expect(await screen.settle(EXACT_WITHIN_MS)).toBe(0);
  });

  it('reported no capture or encoding errors', () => {
    expect(screen.errors).toEqual([]);
    expect(screen.decoder.state).toBe('ready');
  });
});
