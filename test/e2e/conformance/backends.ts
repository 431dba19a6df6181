/**
 * The backends the conformance suite runs against, each on its own Xvfb display: X11 (Node on
 * Linux, the helper's X11 backend) and Windows under Wine (the pinned node.exe running the
 * helper's Windows backend through koffi, in a virtual desktop as large as the display). The X
 * display is the independent reference for both: xwd for the picture, xclip for the clipboard,
 * xdotool for the pointer (Wine draws its desktop into an X window at 0,0 and mirrors the
 * clipboard and the pointer to X). `app` is a text application that shows what the keys typed:
 * an xterm running `cat` into a file on X11, Wine's notepad on Windows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXvfb, type XDisplay } from '../../support/xvfb';
import { freshPrefix, windowsNode, type WinePrefix } from '../../support/wine';
import { waitFor } from '../host/platform/support/wait-for';
import { bundleLinuxDriver, connectDriver, type Driver } from './driver-client';
import { bundleWindowsDriver } from './windows/driver-bundle';

export interface TextApp {
  /** Everything the application received so far, as text (newlines as \n). */
  text(): Promise<string>;
  /** Where to put the pointer so the keyboard goes to the application (no window manager). */
  focusPoint: { x: number; y: number };
}

export interface BackendUnderTest {
  name: string;
  x: XDisplay;
  driver: Driver;
  app: TextApp;
  /** What this backend is known not to do where it runs here, and why (shown in the test names). */
  limits: {
    cursorShape: string | null;
    /**
     * Where the helper's own windows (consent with one box per capability, the indicator's Stop)
     * are not driven by this suite, why and where they are tested instead; null: driven here.
     */
    helperWindows: string | null;
    /**
     * Why the plain desktop background cannot be seen on this screen (the calls are then checked
     * by reading the settings back), or null: the pixels are checked.
     */
    plainBackgroundPixels: string | null;
    /** Why the system's file chooser is not driven by this suite, and where it is tested; null: driven here. */
    fileChooser: string | null;
  };
  /** Seconds spent making the environment (for the report). */
  setupMs: number;
  stop(): Promise<void>;
}

export type BackendName = 'x11' | 'windows-wine';

export async function startBackend(name: BackendName): Promise<BackendUnderTest> {
  return name === 'x11' ? startX11() : startWindowsUnderWine();
}

function xdo(x: XDisplay, ...args: string[]): string {
  const r = spawnSync('xdotool', args, { env: x.env, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** The X11 backend's driver on a display that is already running (the bench shares Wine's). */
export async function startX11Driver(x: XDisplay, work: string): Promise<Driver> {
  await bundleLinuxDriver(join(work, 'driver.mjs'));
  const log = join(work, 'driver.log');
  return connectDriver(
    (port) => x.spawnClient('node', [join(work, 'driver.mjs'), String(port), join(work, 'capture.bin')]),
    join(work, 'capture.bin'),
    () => readText(log),
  );
}

async function startX11(): Promise<BackendUnderTest> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'lifeline-conformance-x11-'));
  const x = await startXvfb();
  const typed = join(work, 'typed.txt');
  x.spawnClient(
    'xterm',
    ['-T', 'conformance', '-geometry', '80x20+0+0', '-e', 'sh', '-c', `stty -echo; cat > ${typed}`],
    {
      LC_ALL: 'C.UTF-8',
      LANG: 'C.UTF-8',
    },
  );
  await waitFor('the xterm window', () => xdo(x, 'search', '--name', 'conformance') || undefined, 30_000);
  const driver = await startX11Driver(x, work);
  return {
    name: 'x11',
    x,
    driver,
    app: { text: async () => readText(typed), focusPoint: { x: 200, y: 100 } },
    limits: {
      cursorShape: null,
      helperWindows:
        'on X11 the consent is zenity or kdialog (test/host/consent/prompts) and the indicator an X window (test/e2e/helper/sharing-indicator.test.ts)',
      plainBackgroundPixels: null,
      fileChooser:
        'zenity and kdialog are not installed here: the Linux chooser runs as a child process in test/host/platform/linux/desktop-file-chooser.test.ts',
    },
    setupMs: Date.now() - started,
    async stop() {
      await driver.close();
      await x.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

async function startWindowsUnderWine(): Promise<BackendUnderTest> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'lifeline-conformance-wine-'));
  const x = await startXvfb();
  let wine: WinePrefix | null = null;
  try {
    wine = freshPrefix(x.display, x.width, x.height);
    const w = wine;
    const { nodeExe, koffiNode } = await windowsNode();
    await bundleWindowsDriver(join(work, 'driver.cjs'));
    w.start('notepad', [], join(work, 'notepad.log'));
    const log = join(work, 'driver.log');
    const driver = await connectDriver(
      (port) =>
        w.start(
          nodeExe,
          [w.windowsPath(join(work, 'driver.cjs')), String(port), w.windowsPath(join(work, 'capture.bin'))],
          log,
          {
            LIFELINE_KOFFI_NODE: w.windowsPath(koffiNode),
          },
        ),
      join(work, 'capture.bin'),
      () => `${readText(log)}${readText(join(work, 'capture.bin.error'))}`,
    );
    const rect = await waitFor(
      'notepad',
      () => driver.call<{ left: number; top: number } | null>('notepad.rect').then((r) => r ?? undefined),
      60_000,
    );
    return {
      name: 'windows-wine',
      x,
      driver,
      app: {
        text: async () =>
          String((await driver.call<string | null>('notepad.text')) ?? '').replace(/\r\n/g, '\n'),
        focusPoint: { x: rect.left + 200, y: rect.top + 100 },
      },
      limits: {
        cursorShape:
          "Wine's GetIconInfo refuses another process's cursor (Windows allows it): the shape is not read under Wine",
        helperWindows: null,
        plainBackgroundPixels:
          "Wine's desktop window (explorer.exe) keeps the system colours it started with: another process's SetSysColors does not repaint it, as Windows does",
        fileChooser: null,
      },
      setupMs: Date.now() - started,
      async stop() {
        await driver.close();
        await w.stop();
        await x.stop();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await wine?.stop();
    await x.stop();
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
