/**
 * One conformance suite that every platform backend we can run here passes: X11 on Xvfb and
 * Windows under Wine (backends.ts). The same assertions, against an independent reference on the
 * same X display: the captured picture equals xwd's, keys by KeyboardEvent.code and text by
 * character (é € 中) reach a real application, the pointer lands where asked and the position
 * reads back, the clipboard goes both ways with change notification, monitors and places are
 * listed. What a backend cannot show here is named in its `limits` and asserted as such.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../host/platform/support/wait-for';
import { xwdCapture } from '../../e2e/screen/xwd-capture';
import { until } from '../../support/polling';
import type { PixelBuffer } from '../../../host/platform/types';
import { rasterizeShape } from '../../../host/overlay/shape-raster';
import { startBackend, type BackendName, type BackendUnderTest } from './backends';

const BACKENDS: BackendName[] = ['x11', 'windows-wine'];
/** Pixels that may differ between the backend's capture and xwd's (a blinking text caret). */
const CARET_PIXELS_MAX = 64;
/** How long typed input may take to reach the application (notepad under Wine is slow), in ms. */
const INPUT_ARRIVES_MS = 20_000;
/** How long a clipboard change may take to cross to the other side (Wine's bridge is slow). */
const CLIPBOARD_BRIDGE_MS = 30_000;

function xclip(b: BackendUnderTest, args: string[], input?: string): string {
  const r = spawnSync('xclip', args, { env: b.x.env, input, encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout : '';
}

/** The five most frequent colours of a capture, "#rrggbb 61%", for a failure's message. */
function mainColours(shot: PixelBuffer): string {
  const counts = new Map<number, number>();
  for (let i = 0; i < shot.width * shot.height; i++) {
    const o = i * 4;
    const rgb = (shot.data[o + 2]! << 16) | (shot.data[o + 1]! << 8) | shot.data[o]!;
    counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
  }
  return [...counts]
    .sort((p, q) => q[1] - p[1])
    .slice(0, 5)
    .map(
      ([c, n]) =>
        `#${c.toString(16).padStart(6, '0')} ${Math.round((100 * n) / (shot.width * shot.height))}%`,
    )
    .join(', ');
}

function differingPixels(a: Uint8Array, b: Uint8Array, pixels: number): number {
  let n = 0;
  for (let i = 0; i < pixels; i++) {
    const o = i * 4;
    if (a[o] !== b[o] || a[o + 1] !== b[o + 1] || a[o + 2] !== b[o + 2]) n++;
  }
  return n;
}

/** How many of `pixels` (desktop coordinates) show exactly `rgb` in `frame`, a capture of `at`. */
function pixelsOfColour(
  frame: PixelBuffer,
  at: { x: number; y: number },
  pixels: [number, number][],
  rgb: [number, number, number],
): number {
  let n = 0;
  for (const [x, y] of pixels) {
    const o = (y - at.y) * frame.stride + (x - at.x) * 4;
    if (frame.data[o + 2] === rgb[0] && frame.data[o + 1] === rgb[1] && frame.data[o] === rgb[2]) n++;
  }
  return n;
}

describe.each(BACKENDS)('platform backend %s', (name) => {
  let b: BackendUnderTest;

  beforeAll(async () => {
    b = await startBackend(name);
    process.stderr.write(`[conformance] ${name}: environment ready in ${b.setupMs} ms\n`);
  }, 300_000);
  afterAll(async () => {
    await b?.stop();
  });

  it('lists one primary monitor covering the desktop', async () => {
    const size = await b.driver.call<{ width: number; height: number }>('size');
    expect(size).toEqual({ width: b.x.width, height: b.x.height });
    const monitors = await b.driver.call<{ primary: boolean; bounds: object }[]>('monitors');
    expect(monitors).toHaveLength(1);
    expect(monitors[0]).toMatchObject({
      primary: true,
      bounds: { x: 0, y: 0, width: b.x.width, height: b.x.height },
    });
  });

  it('captures the same picture as the X server shows (xwd), whole and in part', async () => {
    const frame = await b.driver.capture();
    const reference = xwdCapture(b.x.display);
    expect([frame.width, frame.height, frame.stride]).toEqual([
      reference.width,
      reference.height,
      reference.width * 4,
    ]);
    expect(differingPixels(frame.data, reference.data, frame.width * frame.height)).toBeLessThanOrEqual(
      CARET_PIXELS_MAX,
    );
    // Something is on screen (the application's window), so equality is not two blank pictures.
    expect(
      new Set(Array.from({ length: 2000 }, (_, i) => frame.data[(i * 997 * 4) % frame.data.length])).size,
    ).toBeGreaterThan(1);
    const part = await b.driver.capture({ x: 100, y: 50, width: 300, height: 200 });
    expect([part.width, part.height]).toEqual([300, 200]);
    let mismatches = 0;
    for (let row = 0; row < 200; row++) {
      const a = part.data.subarray(row * part.stride, row * part.stride + 1200);
      const start = ((50 + row) * reference.width + 100) * 4;
      mismatches += differingPixels(a, reference.data.subarray(start, start + 1200), 300);
    }
    expect(mismatches).toBeLessThanOrEqual(CARET_PIXELS_MAX);
  });

  it('says which capture it uses: X11 MIT-SHM; Windows DXGI duplication, or GDI with the HRESULT that ruled DXGI out (Wine)', async () => {
    type Logged = { level: string; event: string; fields: Record<string, unknown> };
    await b.driver.call('size'); // the screen is open (it opens on first use)
    const { events, screenOpenMs } = await b.driver.call<{ events: Logged[]; screenOpenMs: number }>('log');
    const methods = events.filter((e) => e.event === 'screen.capture_method').map((e) => e.fields.method);
    if (name === 'x11') {
      expect(methods).toEqual(['mit-shm']);
      return;
    }
    // Wine 8's IDXGIOutput1::DuplicateOutput is a stub: the backend falls back to GDI once, saying why.
    const fallbacks = events.filter((e) => e.event === 'screen.capture_fallback');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]!.fields).toMatchObject({ method: 'gdi' });
    // The device was made (D3D11CreateDevice on a koffi worker thread, its outputs read back):
    // what rules DXGI out is DuplicateOutput itself.
    expect(String(fallbacks[0]!.fields.reason)).toMatch(/^DuplicateOutput failed: 0x[0-9A-F]{8}\b/);
    expect(methods).toEqual(['gdi']);
    process.stderr.write(
      `[conformance] windows-wine: ${JSON.stringify(events.find((e) => e.event === 'screen.dxgi_open')?.fields ?? {})} DXGI ruled out (${String(fallbacks[0]!.fields.reason)}) in ${String(fallbacks[0]!.fields.triedMs)} ms, screen opened in ${Math.round(screenOpenMs)} ms\n`,
    );
    // The picture through the fallback equals the X server's: the test above, same screen source.
    const frame = await b.driver.capture();
    const reference = xwdCapture(b.x.display);
    expect(differingPixels(frame.data, reference.data, frame.width * frame.height)).toBeLessThanOrEqual(
      CARET_PIXELS_MAX,
    );
  });

  it('moves the pointer where asked and reads the position back, as the X server sees it', async () => {
    for (const [px, py] of [
      [10, 20],
      [1000, 700],
      [b.x.width - 1, b.x.height - 1],
    ] as const) {
      await b.driver.call('move', { x: px, y: py });
      expect(await b.driver.call('position')).toEqual({ x: px, y: py });
      // The screen's view of the pointer may lag a moment under Wine (it follows the X server).
      await waitFor('the pointer seen by the screen source', async () => {
        const p = await b.driver.call<{ x: number; y: number }>('pointer');
        return p.x === px && p.y === py;
      });
      const xPointer = spawnSync('xdotool', ['getmouselocation', '--shell'], {
        env: b.x.env,
        encoding: 'utf8',
      }).stdout;
      expect(xPointer).toContain(`X=${px}\n`);
      expect(xPointer).toContain(`Y=${py}\n`);
    }
  });

  it('types keys by code and text by character (é € 中) into a real application', async () => {
    await b.driver.call('move', b.app.focusPoint);
    for (const code of ['KeyH', 'KeyI', 'Space']) {
      await b.driver.call('key', { code, down: true });
      await b.driver.call('key', { code, down: false });
    }
    await b.driver.call('type', { text: 'é € 中 ok\n' });
    await waitFor(
      'the typed text',
      async () => (await b.app.text()).includes('hi é € 中 ok\n'),
      INPUT_ARRIVES_MS,
    );
    // Shift by code gives the capital of the key at that position.
    await b.driver.call('key', { code: 'ShiftLeft', down: true });
    await b.driver.call('key', { code: 'KeyQ', down: true });
    await b.driver.call('key', { code: 'KeyQ', down: false });
    await b.driver.call('releaseAll');
    await b.driver.call('key', { code: 'Enter', down: true });
    await b.driver.call('key', { code: 'Enter', down: false });
    await waitFor(
      'Shift+Q then Enter',
      async () => (await b.app.text()).endsWith('ok\nQ\n'),
      INPUT_ARRIVES_MS,
    );
  });

  it('shares the clipboard both ways and notices changes made by others', async () => {
    // Under Wine the copy crosses Wine's own clipboard bridge to the X selection (a thread of its
    // desktop process), which can take seconds on a busy machine; X11 answers at once.
    await b.driver.call('clipboard.write', { text: 'from the agent: é € 中' });
    await waitFor(
      'the X clipboard',
      () => xclip(b, ['-o', '-selection', 'clipboard']) === 'from the agent: é € 中',
      CLIPBOARD_BRIDGE_MS,
    );
    const before = await b.driver.call<number>('clipboard.changes');
    // xclip stays behind to serve the selection: its output is not waited for.
    spawnSync('xclip', ['-i', '-selection', 'clipboard'], {
      env: b.x.env,
      input: 'from the customer: ü 日本',
      stdio: ['pipe', 'ignore', 'ignore'],
      timeout: 10_000,
    });
    // The notice first, then the read, as a session does (it reads when told of a change). Reading
    // over and over instead would hold the clipboard open at times, and Wine's bridge, which
    // imports the X selection once and drops it if the clipboard is open, lost the text in 1 round
    // of 8 (a 30 s timeout in CI); in this order 12 rounds of 12 arrived within 0.6 s.
    await waitFor(
      'a change notice',
      async () => (await b.driver.call<number>('clipboard.changes')) > before,
      CLIPBOARD_BRIDGE_MS,
    );
    await waitFor(
      'the customer text',
      async () => (await b.driver.call<string>('clipboard.read')) === 'from the customer: ü 日本',
      CLIPBOARD_BRIDGE_MS,
    );
  });

  it('reports the cursor (its shape where the system lets us read it)', async () => {
    await b.driver.call('move', b.app.focusPoint);
    const cursor = await waitFor('a cursor reading', async () => {
      const c = await b.driver.call<{
        width: number;
        height: number;
        hotX: number;
        hotY: number;
        opaque: number;
      } | null>('cursor');
      // The shape can lag the move (the window's cursor is set as the pointer enters it): wait
      // for a reading that shows one.
      return b.limits.cursorShape ? { value: c } : c && c.opaque > 0 ? { value: c } : undefined;
    });
    if (b.limits.cursorShape) {
      expect(cursor.value).toBeNull(); // b.limits.cursorShape says why
    } else {
      expect(cursor.value!.width).toBeGreaterThan(0);
      expect(cursor.value!.opaque).toBeGreaterThan(0);
      expect(cursor.value!.hotX).toBeLessThan(cursor.value!.width);
    }
  });

  it("offers the customer's places, each an existing folder", async () => {
    const places = await b.driver.call<{ name: string; path: string }[]>('places');
    expect(places.map((p) => p.name)).toContain('Home');
    expect(new Set(places.map((p) => p.path)).size).toBe(places.length);
  });

  /**
   * Clicks the middle of a rectangle with the customer's own mouse: the X server's pointer
   * (xdotool), which reaches Windows programs through Wine as a physical mouse does.
   */
  async function click(r: { x: number; y: number; width: number; height: number }): Promise<void> {
    const at = [r.x + Math.floor(r.width / 2), r.y + Math.floor(r.height / 2)].map(String);
    spawnSync('xdotool', ['mousemove', ...at, 'click', '1'], { env: b.x.env });
  }

  type Probe = {
    x: number;
    y: number;
    width: number;
    height: number;
    checked: boolean;
    enabled: boolean;
    focused: boolean;
  };
  const control = (id: string) =>
    waitFor(
      `the consent window's ${id}`,
      () => b.driver.call<Probe | null>('ui.control', { control: id }).then((c) => c ?? undefined),
      60_000,
    );
  const answer = () =>
    waitFor(
      'the consent answer',
      () =>
        b.driver
          .call<{ grants: Record<string, boolean>; answered: string } | null>('consent.answer')
          .then((a) => a ?? undefined),
      INPUT_ARRIVES_MS,
    );
  const ALL = { view: true, control: true, clipboard: true, files: false, reboot: false };
  const NONE = { view: false, control: false, clipboard: false, files: false, reboot: false };

  it('asks consent in its own window, one unticked box per capability, and grants only what is ticked', async () => {
    if (b.limits.helperWindows) {
      expect(b.limits.helperWindows).toMatch(/test\//); // says where they are tested instead
      return;
    }
    expect(await b.driver.call('consent.ask', { agentName: 'Alex Agent', requested: ALL })).toEqual({
      kind: 'window',
    });
    const view = await control('view');
    const clipboard = await control('clipboard');
    expect((await control('control')).y).toBeGreaterThan(view.y); // in the order asked
    expect(clipboard.y).toBeGreaterThan((await control('control')).y);
    const allow = await control('allow');
    expect(await b.driver.call('ui.control', { control: 'files' })).toBeNull(); // not requested
    // Nothing ticked at first, the keyboard on the first box, Allow disabled until a tick.
    expect([view.checked, clipboard.checked, view.focused, allow.enabled]).toEqual([
      false,
      false,
      true,
      false,
    ]);
    for (const id of ['view', 'clipboard']) {
      await click(await control(id));
      await waitFor(`${id} ticked`, async () => (await control(id)).checked, INPUT_ARRIVES_MS);
    }
    expect((await control('control')).checked).toBe(false);
    expect((await control('allow')).enabled).toBe(true);
    await click(allow);
    const a = await answer();
    expect(a).toEqual({
      grants: { view: true, control: false, clipboard: true, files: false, reboot: false },
      answered: 'allowed',
    });
    expect((await b.driver.call<{ dialogs: number }>('ui.windows')).dialogs).toBe(0);
  });

  it('reports Decline and Escape as nothing granted', async () => {
    if (b.limits.helperWindows) {
      expect(b.limits.helperWindows).toMatch(/test\//);
      return;
    }
    await b.driver.call('consent.ask', { agentName: 'Alex Agent', requested: ALL });
    await click(await control('view'));
    // A tick does not count once the customer declines.
    await waitFor('view ticked', async () => (await control('view')).checked, INPUT_ARRIVES_MS);
    await click(await control('decline'));
    expect(await answer()).toEqual({ grants: NONE, answered: 'declined' });
    await b.driver.call('consent.ask', { agentName: 'Alex Agent', requested: ALL });
    await control('view');
    await b.driver.call('key', { code: 'Escape', down: true });
    await b.driver.call('key', { code: 'Escape', down: false });
    expect((await answer()).answered).toBe('declined');
  });

  it('shows the sharing indicator, whose Stop reaches the helper', async () => {
    if (b.limits.helperWindows) {
      expect(b.limits.helperWindows).toMatch(/test\//);
      return;
    }
    expect(await b.driver.call('indicator.open')).toBe(true);
    const stop = await waitFor(
      'the indicator',
      () =>
        b.driver
          .call<{ x: number; y: number; width: number; height: number } | null>('ui.indicatorStop')
          .then((r) => r ?? undefined),
      60_000,
    );
    expect(stop.y).toBeLessThan(60); // the top of the screen
    expect(await b.driver.call('indicator.stops')).toBe(0);
    await click(stop);
    await waitFor(
      'Stop heard',
      async () => (await b.driver.call<number>('indicator.stops')) === 1,
      INPUT_ARRIVES_MS,
    );
  });

  it('opens a background window (the file offer) without taking the keyboard from the application', async () => {
    if (b.limits.fileChooser) {
      // No file chooser on this backend here, so no offer window either (offer-window.ts).
      expect(b.limits.fileChooser).toMatch(/test\//);
      return;
    }
    const title = 'Send a file to the agent';
    await b.driver.call('move', b.app.focusPoint);
    await b.driver.call('button', { button: 'left', down: true });
    await b.driver.call('button', { button: 'left', down: false });
    expect(await b.driver.call('dialog.background', { title })).toBe(true);
    try {
      const seen = await waitFor(
        'the background window on the screen',
        async () => {
          const w = await b.driver.call<{ found: boolean; foreground: boolean }>('window.find', { title });
          return w.found ? w : undefined;
        },
        INPUT_ARRIVES_MS,
      );
      expect(seen.foreground).toBe(false);
      // The agent's typing still reaches the application.
      await b.driver.call('type', { text: ' still here' });
      await waitFor(
        'the typing in the application',
        async () => (await b.app.text()).endsWith(' still here'),
        INPUT_ARRIVES_MS,
      );
      expect((await b.driver.call<{ foreground: boolean }>('window.find', { title })).foreground).toBe(false);
    } finally {
      await b.driver.call('dialog.backgroundClose');
    }
  });

  it("opens the system's file chooser without holding the helper, and gives the path picked, or null on Escape", async () => {
    if (b.limits.fileChooser) {
      expect(b.limits.fileChooser).toMatch(/test\//);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'lifeline-chooser-'));
    try {
      const file = join(dir, 'facture é.txt');
      writeFileSync(file, 'x');
      const winPath = (p: string) => `Z:${p.replaceAll('/', '\\')}`;
      const title = 'Choose the file to send to the agent';
      const inFront = () =>
        waitFor(
          'the Open dialog in front',
          async () =>
            (await b.driver.call<{ foreground: boolean }>('window.find', { title })).foreground || undefined,
          60_000,
        );
      const chosen = () =>
        waitFor(
          "the chooser's answer",
          () => b.driver.call<{ path: string | null } | null>('chooser.answer').then((a) => a ?? undefined),
          INPUT_ARRIVES_MS,
        );
      expect(await b.driver.call('chooser.open', { title, startDir: winPath(dir) })).toBe(true);
      await inFront();
      // The helper's thread answers while the dialog is open: nothing chosen yet.
      expect(await b.driver.call('chooser.answer')).toBeNull();
      await b.driver.call('type', { text: winPath(file) });
      await b.driver.call('key', { code: 'Enter', down: true });
      await b.driver.call('key', { code: 'Enter', down: false });
      expect(await chosen()).toEqual({ path: winPath(file) });
      expect((await b.driver.call<{ found: boolean }>('window.find', { title })).found).toBe(false);
      // Escape cancels: nothing chosen, no error.
      expect(await b.driver.call('chooser.open', { title, startDir: winPath(dir) })).toBe(true);
      await inFront();
      await b.driver.call('key', { code: 'Escape', down: true });
      await b.driver.call('key', { code: 'Escape', down: false });
      expect(await chosen()).toEqual({ path: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shows the agent's drawing on the screen, keeps it out of the capture, and takes it away", async () => {
    const shape = {
      kind: 'pen' as const,
      points: [
        [120, 300],
        [420, 330],
      ] as [number, number][],
      color: '#ff00ff',
      width: 8,
    };
    const box = { x: 100, y: 280, width: 340, height: 70 };
    const stroke: [number, number][] = [];
    rasterizeShape(shape, { x: 0, y: 0, width: b.x.width, height: b.x.height }).forEachSpan((y, x0, x1) => {
      for (let x = x0; x < x1; x++) stroke.push([x, y]);
    });
    const magenta: [number, number, number] = [255, 0, 255];
    const onScreen = () => pixelsOfColour(xwdCapture(b.x.display), { x: 0, y: 0 }, stroke, magenta);
    const before = onScreen();
    expect(before).toBeLessThan(stroke.length / 100);

    expect(await b.driver.call('overlay.draw', { id: 1, shape })).toBe(1);
    // Every pixel of the stroke, exactly its colour, as the X server shows the screen.
    await waitFor('the stroke on the screen', () => onScreen() === stroke.length, INPUT_ARRIVES_MS);
    // A plain capture shows it (neither X11 nor Wine keeps windows out of captures by itself)...
    const raw = await b.driver.capture(box);
    expect(pixelsOfColour(raw, box, stroke, magenta)).toBe(stroke.length);
    // ...the helper's stream (through the overlay's mask) has what is under the stroke instead.
    const streamed = await b.driver.capture(box, { masked: true });
    expect(pixelsOfColour(streamed, box, stroke, magenta)).toBe(before);

    expect(await b.driver.call('overlay.clear')).toBe(0);
    await waitFor('the stroke gone', () => onScreen() === before, INPUT_ARRIVES_MS);
  });

  it("shows the agent's text on the screen in its colour, keeps it out of the capture, and takes it away", async () => {
    const shape = {
      kind: 'text' as const,
      at: [140, 420] as [number, number],
      text: 'Click here',
      color: '#00ff00',
      size: 24,
    };
    // The text's cell: 10 characters of at most the em size wide, one em and a half high.
    const box = { x: 130, y: 410, width: 10 * 24 + 20, height: 60 };
    const everyPixel: [number, number][] = [];
    for (let y = box.y; y < box.y + box.height; y++)
      for (let x = box.x; x < box.x + box.width; x++) everyPixel.push([x, y]);
    const green: [number, number, number] = [0, 255, 0];
    const onScreen = () => pixelsOfColour(xwdCapture(b.x.display), { x: 0, y: 0 }, everyPixel, green);
    const before = onScreen();
    expect(before).toBe(0);

    expect(await b.driver.call('overlay.draw', { id: 2, shape })).toBe(1);
    // Glyphs of 10 characters at 24 px: a few hundred pixels, all exactly the text's colour (no
    // antialiasing, so the mask covers exactly what is shown).
    await waitFor('the text on the screen', () => onScreen() > 200, INPUT_ARRIVES_MS);
    const shown = onScreen();
    expect(shown).toBeLessThan((box.width * box.height) / 2);
    const raw = await b.driver.capture(box);
    expect(pixelsOfColour(raw, box, everyPixel, green)).toBe(shown);
    const streamed = await b.driver.capture(box, { masked: true });
    expect(pixelsOfColour(streamed, box, everyPixel, green)).toBe(0);

    expect(await b.driver.call('overlay.clear')).toBe(0);
    await waitFor('the text gone', () => onScreen() === 0, INPUT_ARRIVES_MS);
  });

  it('replaces the desktop background by a plain colour and puts it back exactly', async () => {
    type Snapshot = { kind: string; values: Record<string, string> };
    const before = xwdCapture(b.x.display);
    const snapshot = await b.driver.call<Snapshot>('background.read');
    expect(snapshot.kind).toBe(name === 'x11' ? 'x11-root' : 'windows');
    await b.driver.call('background.plain', { r: 0x2e, g: 0x34, b: 0x40 });
    if (b.limits.plainBackgroundPixels) {
      // b.limits.plainBackgroundPixels says why: the system's own settings say what was done.
      expect((await b.driver.call<Snapshot>('background.read')).values).toEqual({
        wallpaper: '',
        color: String(0x40342e),
      });
    } else {
      const plainShare = () => {
        const shot = xwdCapture(b.x.display);
        let n = 0;
        for (let i = 0; i < shot.width * shot.height; i++) {
          const o = i * 4;
          if (shot.data[o] === 0x40 && shot.data[o + 1] === 0x34 && shot.data[o + 2] === 0x2e) n++;
        }
        return n / (shot.width * shot.height);
      };
      // The desktop around the application's window.
      await until('the plain desktop', () => plainShare() > 0.3, 15_000).catch((e: unknown) => {
        throw new Error(`${String(e)}; the screen's main colours: ${mainColours(xwdCapture(b.x.display))}`);
      });
    }
    // The snapshot travels through JSON, as it does through the restore file after a crash.
    await b.driver.call('background.restore', { snapshot: JSON.parse(JSON.stringify(snapshot)) });
    expect(await b.driver.call<Snapshot>('background.read')).toEqual(snapshot);
    await until(
      'the desktop as it was',
      () =>
        differingPixels(xwdCapture(b.x.display).data, before.data, before.width * before.height) <=
        CARET_PIXELS_MAX,
      15_000,
    );
  });

  it('reads what it needs to tell an administrator prompt from an administrator window', async () => {
    const facts = await b.driver.call('input.blockFacts');
    if (name === 'x11') {
      expect(facts).toBeNull(); // X11 has no privilege levels between windows
      return;
    }
    // Under Wine: the normal desktop, and every process (the helper too) counts as elevated, so
    // a refusal there would be neither reason; the refusals themselves are unit-tested.
    expect(facts).toEqual({ desktop: 'Default', foregroundElevated: true, selfElevated: true });
  });
});
