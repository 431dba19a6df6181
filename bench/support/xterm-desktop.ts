/**
 * The desktop both screen benchmarks measure on: Xvfb 1920x1080 with one xterm filling the
 * screen (6x13 font, 316x82 characters), and an XTEST input sink with the pointer in the middle
 * (there is no window manager, so the keyboard follows the pointer into the xterm).
 */
import { X11InputSink } from '../../host/platform/linux/x11-input-sink';
import { silentPlatformLog } from '../../host/platform/platform-log';
import { startXvfb, type XDisplay } from '../../test/support/xvfb';
import { sleep } from './sleep';

/** How long the xterm gets to map and draw its prompt before anything is measured, in ms. */
const XTERM_SETTLE_MS = 1500;

export interface XtermDesktop {
  x: XDisplay;
  input: X11InputSink;
}

/**
 * Starts the desktop; `xtermEnv` is added to the xterm's environment (prompt, home). The caller
 * stops `x` (which ends the xterm too); on a failure here it is stopped before the error goes up.
 */
export async function startXtermDesktop(xtermEnv?: NodeJS.ProcessEnv): Promise<XtermDesktop> {
  const x = await startXvfb({ width: 1920, height: 1080 });
  try {
    x.spawnClient('xterm', ['-geometry', '316x82+0+0', '-e', 'bash', '--norc', '--noprofile'], xtermEnv);
    await sleep(XTERM_SETTLE_MS);
    const input = await X11InputSink.open(x.display, silentPlatformLog);
    await input.pointerMove(960, 540);
    return { x, input };
  } catch (err) {
    await x.stop();
    throw err;
  }
}
