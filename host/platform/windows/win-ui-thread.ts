/**
 * The main thread's side of the helper's Windows UI thread (ui-thread/ui-thread-main.ts): starts
 * it on first use (one per process, started again if it dies), sends it requests and matches the
 * replies by id (each with a timeout; everything pending is rejected when the thread ends), and
 * hands its events (a dialog's button or close box, the indicator's Stop) to whoever listens.
 * Each request is followed by a WM_WAKE thread message, so the UI loop, asleep in
 * MsgWaitForMultipleObjectsEx, handles it at once.
 *
 * The thread's program is bundled by the build (scripts/win-ui-thread-bundle.mjs) and arrives
 * here as source text (__LIFELINE_WIN_UI_THREAD__); it loads the same koffi binary the main
 * thread loaded. A helper built without it (the plain bundle run by a Node on Windows) has no
 * windows: open() says so, and the callers fall back (the terminal asks for consent).
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { DialogAction } from '../types';
import { addonFile } from '../../cli/addon-files';
import {
  WM_WAKE,
  type MainToUi,
  type UiHello,
  type UiReplies,
  type UiRequest,
  type UiToMain,
} from './ui-thread/ui-protocol';
import { loadWin32, win32 } from './win32';

declare const __LIFELINE_WIN_UI_THREAD__: string | undefined;

/** How long the UI thread may take to start (node.exe under Wine on a loaded machine), in ms. */
export const UI_START_TIMEOUT_MS = 60_000;
/**
 * How long one request may wait for its reply, in ms. Generous: while the customer drags the
 * consent window, Windows' move loop holds the UI thread and requests wait for the drag to end.
 */
export const UI_REPLY_TIMEOUT_MS = 30_000;

/** The UI thread's program, or null in a build that does not carry it. */
export function uiThreadSource(): string | null {
  return typeof __LIFELINE_WIN_UI_THREAD__ === 'string' ? __LIFELINE_WIN_UI_THREAD__ : null;
}

function koffiBinary(): string {
  const loaded = addonFile('koffi');
  if (loaded) return loaded;
  // Plain Node on Windows: koffi loaded its binary from node_modules.
  return createRequire(import.meta.url).resolve('@koromix/koffi-win32-x64/win32_x64/koffi.node');
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

let shared: Promise<WinUiThread> | null = null;

export class WinUiThread {
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly dialogListeners = new Map<number, (action: DialogAction) => void>();
  private readonly stopListeners = new Set<() => void>();
  private ended = false;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    readonly hello: UiHello,
    private readonly log: (event: string, details: Record<string, unknown>) => void,
  ) {
    port.on('message', (m: UiToMain) => this.onMessage(m));
    worker.on('exit', () => this.end(new Error('the helper\u2019s window thread ended')));
    worker.on('error', (err) => this.end(err));
  }

  /** The process's UI thread, started now if it is not running. */
  static shared(
    log: (event: string, details: Record<string, unknown>) => void = () => {},
  ): Promise<WinUiThread> {
    shared ??= WinUiThread.start(log).catch((err: unknown) => {
      shared = null;
      throw err;
    });
    return shared;
  }

  /** Whether Windows keeps the helper's windows out of captures by itself (display affinity). */
  get excludedFromCapture(): boolean {
    return this.hello.excludedFromCapture;
  }

  get alive(): boolean {
    return !this.ended;
  }

  private static async start(
    log: (event: string, details: Record<string, unknown>) => void,
  ): Promise<WinUiThread> {
    const source = uiThreadSource();
    if (source === null) {
      throw new Error('this helper was built without its windows (scripts/win-ui-thread-bundle.mjs)');
    }
    await loadWin32();
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(source, {
      eval: true,
      workerData: { koffi: koffiBinary(), port: port2 },
      transferList: [port2],
    });
    const hello = await new Promise<UiHello>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the window thread did not start within ${UI_START_TIMEOUT_MS} ms`)),
        UI_START_TIMEOUT_MS,
      );
      port1.on('message', function first(m: UiToMain) {
        if (m.type === 'log') log(m.event, m.details);
        if (m.type !== 'hello') return;
        clearTimeout(timer);
        port1.off('message', first);
        resolve(m.hello);
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the window thread exited (${code}) before it started`));
      });
    });
    // The helper exits when its session ends, whatever this thread is doing.
    worker.unref();
    port1.unref();
    const thread = new WinUiThread(worker, port1, hello, log);
    log('ui_thread_started', { excludedFromCapture: hello.excludedFromCapture });
    return thread;
  }

  request<K extends UiRequest['type']>(request: Extract<UiRequest, { type: K }>): Promise<UiReplies[K]> {
    if (this.ended) return Promise.reject(new Error('the helper\u2019s window thread has ended'));
    const id = this.next++;
    return new Promise<UiReplies[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(`the window thread did not answer ${request.type} within ${UI_REPLY_TIMEOUT_MS} ms`),
        );
      }, UI_REPLY_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.post({ type: 'request', id, request });
    });
  }

  onDialogAction(dialog: number, listener: (action: DialogAction) => void): () => void {
    this.dialogListeners.set(dialog, listener);
    return () => this.dialogListeners.delete(dialog);
  }

  onIndicatorStop(listener: () => void): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /** Closes every window and ends the thread. */
  close(): void {
    if (this.ended) return;
    this.post({ type: 'quit' });
    this.end(new Error('the helper\u2019s window thread was closed'));
    if (shared) shared = null;
  }

  private post(message: MainToUi): void {
    this.port.postMessage(message);
    win32().user32.PostThreadMessageW(this.hello.threadId, WM_WAKE, 0, 0);
  }

  private onMessage(m: UiToMain): void {
    switch (m.type) {
      case 'reply': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result ?? null);
        return;
      }
      case 'dialog.action':
        this.dialogListeners.get(m.dialog)?.(m.action);
        return;
      case 'indicator.stop':
        for (const l of [...this.stopListeners]) l();
        return;
      case 'log':
        this.log(m.event, m.details);
        return;
      case 'hello':
        return;
    }
  }

  private end(err: Error): void {
    if (this.ended) return;
    this.ended = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    if (shared) shared = null;
  }
}
