/**
 * The program the conformance suite drives: it loads the Platform of the system it runs on through
 * the registry (exactly as the helper does) and serves one JSON request per line over TCP, so the
 * same suite can run it natively (X11: Node on Linux) or as Windows' node.exe under Wine (whose
 * stdout to a pipe fails, hence a socket). Captures are written to a file the test reads, not sent
 * as JSON. Test-only requests name what they are for (`notepad.text`: Windows).
 *
 *   node platform-driver.js <port> <capture-file>
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { DrawingOverlay } from '../../../host/overlay/drawing-overlay';
import {
  createAnnotationOverlay,
  loadPlatform,
  openSharingIndicator,
  currentSystem,
  desktopBackground,
} from '../../../host/platform/registry';
import type { Shape } from '../../../protocol/data/annotations';
import type { PlatformLog } from '../../../host/platform/platform-log';
import type {
  BackgroundSnapshot,
  Clipboard,
  InputSink,
  Platform,
  PointerButton,
  ScreenSource,
} from '../../../host/platform/types';

const [portText, captureFile] = process.argv.slice(2);

let platform: Platform;
let screen: ScreenSource | null = null;
let input: InputSink | null = null;
let clipboard: Clipboard | null = null;
let clipboardChanges = 0;
let stops = 0;
let previous: Buffer | null = null;
let overlay: DrawingOverlay | null = null;
/** What the platform logged (the capture method and why, ...), for the suite to read. */
const logged: { level: string; event: string; fields: Record<string, unknown>; atMs: number }[] = [];
const startedAt = performance.now();
const recordingLog: PlatformLog = {
  info: (event, fields = {}) =>
    logged.push({ level: 'info', event, fields, atMs: performance.now() - startedAt }),
  warn: (event, fields = {}) =>
    logged.push({ level: 'warn', event, fields, atMs: performance.now() - startedAt }),
};
/** The viewer whose drawings the suite sends. */
const PEER = 1;

type Args = Record<string, unknown>;
const num = (a: Args, k: string) => Number(a[k]);
const str = (a: Args, k: string) => String(a[k]);

const ops: Record<string, (a: Args) => Promise<unknown>> = {
  name: async () => platform.name,
  size: async () => (await getScreen()).desktopSize(),
  /** The platform's log lines so far, and how long opening the screen took, in ms. */
  log: async () => ({ events: logged, screenOpenMs }),
  monitors: async () => (await getScreen()).monitors(),
  capture: async (a) => {
    const rect = a.rect as { x: number; y: number; width: number; height: number } | undefined;
    const t0 = performance.now();
    // `masked`: through the drawing overlay, as the helper streams it (drawings kept out).
    const source = a.masked && overlay ? overlay.excludeFrom(await getScreen()) : await getScreen();
    const frame = await source.capture(rect);
    const ms = performance.now() - t0;
    writeFileSync(captureFile!, frame.data.subarray(0, frame.stride * frame.height));
    return { width: frame.width, height: frame.height, stride: frame.stride, ms };
  },
  /**
   * One whole-desktop capture and an exact compare with the previous one, row by row with one
   * memcmp each (the encoder's change detector does the same): the per-frame cost a bench measures.
   */
  'capture.diff': async () => {
    const screen = await getScreen();
    const t0 = performance.now();
    const frame = await screen.capture();
    const t1 = performance.now();
    const bytes = frame.stride * frame.height;
    const cur = Buffer.from(frame.data.buffer, frame.data.byteOffset, bytes);
    let changedRows = 0;
    if (previous && previous.length === bytes) {
      for (let row = 0; row < frame.height; row++) {
        const o = row * frame.stride;
        if (cur.compare(previous, o, o + frame.stride, o, o + frame.stride) !== 0) changedRows++;
      }
    }
    const t2 = performance.now();
    previous = Buffer.from(cur);
    return { captureMs: t1 - t0, diffMs: t2 - t1, changedRows };
  },
  pointer: async () => (await getScreen()).pointer(),
  cursor: async () => {
    const c = await (await getScreen()).cursor();
    if (!c) return null;
    let opaque = 0;
    for (let i = 3; i < c.rgba.length; i += 4) if (c.rgba[i]! > 0) opaque++;
    return { width: c.width, height: c.height, hotX: c.hotX, hotY: c.hotY, serial: c.serial, opaque };
  },
  key: async (a) => (await getInput()).key(str(a, 'code'), Boolean(a.down)),
  type: async (a) => (await getInput()).type(str(a, 'text')),
  move: async (a) => (await getInput()).pointerMove(num(a, 'x'), num(a, 'y')),
  position: async () => (await getInput()).pointerPosition(),
  button: async (a) => (await getInput()).button(str(a, 'button') as PointerButton, Boolean(a.down)),
  wheel: async (a) => (await getInput()).wheel(num(a, 'dx'), num(a, 'dy')),
  releaseAll: async () => (await getInput()).releaseAll(),
  'clipboard.read': async () => (await getClipboard()).readText(),
  'clipboard.write': async (a) => (await getClipboard()).writeText(str(a, 'text')),
  'clipboard.changes': async () => clipboardChanges,
  places: async () => platform.files().places(),
  'indicator.open': async () => {
    const indicator = await openSharingIndicator(currentSystem(), () => stops++, {
      line: () => 'Lifeline: sharing with Alex',
      stop: 'Stop',
      lineStop: ' - Stop',
    });
    if (!indicator) return false;
    indicator.show({
      agentNames: ['Alex'],
      grants: { view: true, control: true, clipboard: false, files: false, reboot: false },
      codes: [{ agentName: 'Alex', sas: '123 456' }],
    });
    return true;
  },
  'indicator.stops': async () => stops,
  /** Windows only (windows/window-ops.ts): elsewhere no system refuses input this way. */
  'input.blockFacts': async () => null,
  /** The plain background's desktop control, as the helper's session uses it. */
  'background.read': async () => plainBackground().read(),
  'background.plain': async (a) =>
    plainBackground().setPlain({ r: num(a, 'r'), g: num(a, 'g'), b: num(a, 'b') }),
  'background.restore': async (a) => plainBackground().restore(a.snapshot as BackgroundSnapshot),
  /** Shows one drawing as the helper would; its windows on the screen once handled. */
  'overlay.draw': async (a) => {
    if (!overlay) {
      const made = createAnnotationOverlay(
        currentSystem(),
        (line) => process.stderr.write(`${line}\n`),
        () => getScreen(),
      );
      if (!(made instanceof DrawingOverlay)) return -1;
      overlay = made;
    }
    overlay.apply(PEER, { type: 'shape.add', id: num(a, 'id'), shape: a.shape as Shape });
    await overlay.idle();
    return overlay.windowCount;
  },
  'overlay.clear': async () => {
    overlay?.clear(PEER);
    await overlay?.idle();
    return overlay?.windowCount ?? 0;
  },
};

function plainBackground() {
  const choice = desktopBackground(currentSystem());
  if (!choice.ok) throw new Error(choice.reason);
  return choice.background;
}

async function testOnlyOps(): Promise<Record<string, (a: Args) => Promise<unknown>>> {
  if (process.platform !== 'win32') return {};
  const { notepadOps } = await import('./windows/notepad-ops');
  const { windowOps } = await import('./windows/window-ops');
  return { ...(await notepadOps()), ...windowOps() };
}

let screenOpenMs: number | null = null;
async function getScreen(): Promise<ScreenSource> {
  if (!screen) {
    const t0 = performance.now();
    screen = await platform.screen();
    screenOpenMs = performance.now() - t0;
  }
  return screen;
}
async function getInput(): Promise<InputSink> {
  return (input ??= await platform.input());
}
async function getClipboard(): Promise<Clipboard> {
  if (!clipboard) {
    clipboard = await platform.clipboard();
    clipboard.onChange(() => clipboardChanges++);
  }
  return clipboard;
}

async function main(): Promise<void> {
  platform = await loadPlatform({ log: recordingLog });
  Object.assign(ops, await testOnlyOps());
  const socket = net.connect(Number(portText), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const lines = createInterface({ input: socket, crlfDelay: Infinity });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    queue = queue.then(async () => {
      const { id, op, args } = JSON.parse(line) as { id: number; op: string; args?: Args };
      try {
        const handler = ops[op];
        if (!handler) throw new Error(`unknown op ${op}`);
        const result = await handler(args ?? {});
        socket.write(`${JSON.stringify({ id, result: result ?? null })}\n`);
      } catch (err) {
        socket.write(`${JSON.stringify({ id, error: err instanceof Error ? err.message : String(err) })}\n`);
      }
    });
  });
  lines.on('close', () => {
    void (async () => {
      await screen?.close();
      await input?.close();
      await clipboard?.close();
      process.exit(0);
    })();
  });
}

void main().catch((err: unknown) => {
  writeFileSync(`${captureFile}.error`, err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
