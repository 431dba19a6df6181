/**
 * The GUI desktop the screen benchmarks measure on: Xvfb 1920x1080 with Chromium full screen
 * showing a long local page of anti-aliased text, tables and photos (test/support/photo-page.ts),
 * an XTEST input sink with the pointer at the caller's spot, and the page given time to draw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X11InputSink } from '../../host/platform/linux/x11-input-sink';
import { silentPlatformLog } from '../../host/platform/platform-log';
import { startChromiumDesktop, type ChromiumDesktop } from '../../test/support/chromium-desktop';
import { writePhotoPage } from '../../test/support/photo-page';
import { startXvfb, type XDisplay } from '../../test/support/xvfb';
import { sleep } from './sleep';

/** The page: sections of text, a table and a photo each. */
const SECTIONS = 24;
const PHOTO = { width: 720, height: 450 };
/** Chromium gets this long to draw the loaded page before anything connects, in ms. */
const PAGE_SETTLE_MS = 1500;

export interface PhotoDesktop {
  x: XDisplay;
  chromium: ChromiumDesktop;
  input: X11InputSink;
  /** Closes the input, Chromium and the display, and removes the page's folder. */
  stop(): Promise<void>;
}

/** Starts the desktop with the pointer at `pointer`; on a failure here all of it is stopped first. */
export async function startPhotoDesktop(pointer: { x: number; y: number }): Promise<PhotoDesktop> {
  const pageDir = mkdtempSync(join(tmpdir(), 'lifeline-photo-desktop-'));
  let x: XDisplay | null = null;
  let chromium: ChromiumDesktop | null = null;
  let input: X11InputSink | null = null;
  const stop = async () => {
    await input?.close().catch(() => undefined);
    await chromium?.close();
    await x?.stop();
    rmSync(pageDir, { recursive: true, force: true });
  };
  try {
    x = await startXvfb({ width: 1920, height: 1080 });
    const url = writePhotoPage(pageDir, {
      sections: SECTIONS,
      photoWidth: PHOTO.width,
      photoHeight: PHOTO.height,
    });
    chromium = await startChromiumDesktop(x, url);
    input = await X11InputSink.open(x.display, silentPlatformLog);
    await input.pointerMove(pointer.x, pointer.y);
    await sleep(PAGE_SETTLE_MS);
    return { x, chromium, input, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
