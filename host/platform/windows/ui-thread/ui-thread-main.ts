/**
 * The helper's Windows UI thread: a worker thread (started by ../win-ui-thread.ts) that owns every
 * window the helper shows and runs their message loop, so the main thread's event loop never
 * waits on a window (a customer dragging the consent window runs Windows' modal move loop here,
 * not there). Bundled on its own (scripts/win-ui-thread-bundle.mjs) and started from source text.
 *
 * The loop sleeps in MsgWaitForMultipleObjectsEx until a window message arrives or the main
 * thread posts WM_WAKE to this thread; then it dispatches the window messages (through
 * IsDialogMessageW for the dialogs, so Tab, Enter and Escape work) and the main thread's requests
 * (receiveMessageOnPort: this thread never returns to Node's event loop). Requests are answered
 * in order; window events (a button, the close box, Stop) are posted as they happen.
 * IDLE_WAIT_MS bounds a sleep in case a wake-up is lost, and RAISE_MS keeps the helper's windows
 * above other topmost windows while any is shown.
 *
 * workerData: { koffi: path of koffi's win32 binary, the one the main thread loaded; port: this
 * thread's end of the channel to the main thread }.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { DialogAction } from '../../types';
import type { Handle, Koffi } from '../win32-types';
import { DialogWindow } from './dialog-window';
import { IndicatorWindow } from './indicator-window';
import { OverlayLayers } from './overlay-layers';
import { WM_WAKE, type MainToUi, type UiReplies, type UiRequest, type UiToMain } from './ui-protocol';
import { bindUiWin32 } from './ui-win32';
import { CLASS_OVERLAY, UiWindows } from './ui-windows';

/** Longest sleep without a message, in ms (a lost wake-up costs at most this). */
const IDLE_WAIT_MS = 250;
/** How often shown windows are put back above other topmost windows, in ms. */
const RAISE_MS = 1000;
const QS_ALLINPUT = 0x4ff;
const MWMO_INPUTAVAILABLE = 0x4;
const PM_REMOVE = 0x1;
const WS_POPUP = 0x80000000;

const data = workerData as { koffi: string; port: MessagePort };
const port = data.port;
const send = (m: UiToMain) => port.postMessage(m);

function loadKoffi(file: string): Koffi {
  const m: { exports: Koffi } = { exports: {} };
  process.dlopen(m, file);
  return m.exports;
}

const w = bindUiWin32(loadKoffi(data.koffi));
const ui = new UiWindows(w);
const dialogs = new Map<number, DialogWindow>();
const layers = new OverlayLayers(ui);
let indicator: IndicatorWindow | null = null;

/** Whether Windows keeps our windows out of captures: tried on a window that is never shown. */
function probeExclusion(): boolean {
  const probe = w.user32.CreateWindowExW(
    0,
    CLASS_OVERLAY,
    '',
    WS_POPUP,
    0,
    0,
    1,
    1,
    null,
    0,
    ui.instance,
    null,
  );
  if (!probe) return false;
  try {
    return ui.excludeFromCapture(probe);
  } finally {
    w.user32.DestroyWindow(probe);
  }
}

/** Waits until Windows has put every change on the screen (or taken it off). */
function sync(): void {
  w.gdi32.GdiFlush();
  w.dwmapi.DwmFlush?.();
  // One read of the screen: under Wine a round trip to the X server, after which the server has
  // done everything this thread asked before.
  const dc = w.user32.GetDC(null);
  w.gdi32.GetPixel(dc, 0, 0);
  w.user32.ReleaseDC(null, dc);
}

function indicatorWindow(): IndicatorWindow {
  indicator ??= new IndicatorWindow(ui, () => send({ type: 'indicator.stop' }));
  return indicator;
}

function dialog(id: number): DialogWindow {
  const d = dialogs.get(id);
  if (!d) throw new Error(`no dialog ${id}`);
  return d;
}

/** Keeps the indicator and the dialogs above the drawings and other topmost windows. */
function raiseHelperWindows(): void {
  layers.raiseAll();
  if (indicator?.isShown) ui.raise(indicator.handle);
  for (const d of dialogs.values()) ui.raise(d.handle);
}

type Handlers = { [K in UiRequest['type']]: (r: Extract<UiRequest, { type: K }>) => UiReplies[K] };

const handlers: Handlers = {
  'dialog.open': (r) => {
    const d = new DialogWindow(ui, r.spec, (action: DialogAction) =>
      send({ type: 'dialog.action', dialog: r.dialog, action }),
    );
    dialogs.set(r.dialog, d);
    ui.excludeFromCapture(d.handle);
    d.show();
    return d.rect();
  },
  'dialog.update': (r) => {
    dialog(r.dialog).update(r.spec);
    return null;
  },
  'dialog.close': (r) => {
    dialogs.get(r.dialog)?.destroy();
    dialogs.delete(r.dialog);
    return null;
  },
  'indicator.layout': (r) => {
    const win = indicatorWindow();
    ui.excludeFromCapture(win.handle);
    return win.layout(r.text, r.stop);
  },
  'indicator.show': () => {
    indicatorWindow().show();
    return null;
  },
  'indicator.hide': () => {
    indicator?.hide();
    return null;
  },
  'overlay.add': (r) => {
    layers.add(r.key, r.bounds, r.spans, r.color);
    raiseHelperWindows();
    return null;
  },
  'overlay.remove': (r) => {
    layers.remove(r.key);
    return null;
  },
  'overlay.laser': (r) => {
    layers.laser(r.peer, r.at, r.size, r.spans, r.color);
    return null;
  },
  'overlay.hideLaser': (r) => {
    layers.hideLaser(r.peer);
    return null;
  },
  'overlay.clear': () => {
    layers.clear();
    return null;
  },
  sync: () => {
    sync();
    return null;
  },
  'probe.control': (r) => dialogs.get(r.dialog)?.probe(r.control) ?? null,
  'probe.indicatorStop': () => indicator?.stopRect() ?? null,
  'probe.windows': () => {
    const front = w.user32.GetForegroundWindow();
    const name = new Uint16Array(64);
    const n = front ? w.user32.GetClassNameW(front, name, 64) : 0;
    return {
      overlay: layers.count,
      dialogs: dialogs.size,
      indicator: indicator?.isShown ?? false,
      foreground: Buffer.from(name.buffer, 0, n * 2).toString('utf16le'),
    };
  },
};

function answer(id: number, request: UiRequest): void {
  try {
    const handler = handlers[request.type] as (r: UiRequest) => unknown;
    send({ type: 'reply', id, result: handler(request) });
  } catch (err) {
    send({ type: 'reply', id, error: err instanceof Error ? err.message : String(err) });
  }
}

/** The dialog a message is for (its own window or one of its controls), for IsDialogMessageW. */
function dialogFor(hwnd: Handle): Handle {
  if (!hwnd) return null;
  for (const d of dialogs.values()) {
    if (ui.same(d.handle, hwnd) || ui.same(d.handle, w.user32.GetParent(hwnd))) return d.handle;
  }
  return null;
}

function run(): void {
  // koffi fills the MSG's fields into this object.
  const msg: { hwnd: Handle; message: number } = { hwnd: null, message: 0 };
  // A thread gets its message queue on its first message call: make it before saying hello, so
  // the main thread's first WM_WAKE is never lost.
  w.user32.PeekMessageW(msg, null, 0, 0, 0);
  send({
    type: 'hello',
    hello: { threadId: w.kernel32.GetCurrentThreadId(), excludedFromCapture: probeExclusion() },
  });
  let lastRaise = Date.now();
  for (;;) {
    w.user32.MsgWaitForMultipleObjectsEx(0, null, IDLE_WAIT_MS, QS_ALLINPUT, MWMO_INPUTAVAILABLE);
    while (w.user32.PeekMessageW(msg, null, 0, 0, PM_REMOVE)) {
      if (!msg.hwnd && msg.message === WM_WAKE) continue;
      const owner = dialogFor(msg.hwnd);
      if (owner && w.user32.IsDialogMessageW(owner, msg)) continue;
      w.user32.TranslateMessage(msg);
      w.user32.DispatchMessageW(msg);
    }
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const message = m.message as MainToUi;
      if (message.type === 'quit') {
        for (const d of dialogs.values()) d.destroy();
        layers.clear();
        indicator?.destroy();
        return;
      }
      answer(message.id, message.request);
    }
    if (Date.now() - lastRaise >= RAISE_MS) {
      lastRaise = Date.now();
      if (layers.count > 0 || indicator?.isShown || dialogs.size > 0) raiseHelperWindows();
    }
  }
}

try {
  run();
} catch (err) {
  send({
    type: 'log',
    event: 'ui_thread_failed',
    details: { error: err instanceof Error ? err.stack : String(err) },
  });
  throw err;
}
