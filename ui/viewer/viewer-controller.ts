/**
 * Puts the viewer together on a page, framework-free: given the page's elements (a scrolling
 * viewport, a sizer, a stage with three canvases, a hidden textarea for the keyboard), it creates
 * the session (viewer-session.ts), the canvas painter, the keyboard/pointer capture, the drawing
 * layer and the clipboard sync, and lays the stage out (fit or 1:1, full screen). The extension's
 * viewer page and a plain test page both use it; the Preact UI only renders state and calls it.
 */
import type { InputEvent } from '../../protocol/data/input';
import type { DrawTool } from './annotation-builder';
import { DEFAULT_COLOR } from './annotation-builder';
import { AnnotationLayer } from './annotation-layer';
import { CanvasPainter } from './canvas-painter';
import { ClipboardSync, type SystemClipboard } from './clipboard-sync';
import { layoutCanvas, type Point, type ScaleMode } from './coordinate-map';
import type { DecoderPort } from './decoder-client';
import { InputCapture } from './input-capture';
import type { ViewerShortcut } from './key-mapper';
import { downloadBlob, screenshotFileName } from './screenshot';
import { ViewerSession, type ViewerSnapshot } from './viewer-session';
import type { CreateSocket } from './viewer-socket';
import type { QualityMode } from '../../protocol/screen/screen-control';

export interface ViewerElements {
  viewport: HTMLElement;
  sizer: HTMLElement;
  stage: HTMLElement;
  picture: HTMLCanvasElement;
  overlay: HTMLCanvasElement;
  pointer: HTMLCanvasElement;
  keyTarget: HTMLTextAreaElement;
  /** What goes full screen (the whole viewer, toolbar included). */
  fullscreenRoot: HTMLElement;
}

export interface ViewerPrefs {
  scale: ScaleMode;
  tool: DrawTool | null;
  color: string;
  passSystemKeys: boolean;
  viewerShortcuts: boolean;
}

export const DEFAULT_PREFS: ViewerPrefs = {
  scale: 'fit',
  tool: null,
  color: DEFAULT_COLOR,
  passSystemKeys: false,
  viewerShortcuts: true,
};

export interface ViewerControllerOptions {
  url: string;
  token: string;
  sessionId: string;
  createDecoder: () => DecoderPort;
  clipboard: SystemClipboard;
  createSocket?: CreateSocket;
  /** Asks the agent for a text annotation (the UI shows a field near `client`). */
  askText(client: Point, done: (text: string | null) => void): void;
  /** Saves the screenshot (default: an <a download>). */
  download?: (png: Blob, fileName: string) => void;
  /** Called when prefs change through a shortcut (the UI mirrors them). */
  onPrefs?: (prefs: ViewerPrefs) => void;
  /** Starting preferences (the agent's options), over DEFAULT_PREFS. */
  initialPrefs?: Partial<ViewerPrefs>;
  /** Starting picture quality. */
  initialQuality?: QualityMode;
}

/** navigator.keyboard (Keyboard Lock API), where the browser has it. */
interface KeyboardLock {
  lock(codes?: string[]): Promise<void>;
  unlock(): void;
}

function keyboardLock(): KeyboardLock | null {
  const k = (navigator as Navigator & { keyboard?: Partial<KeyboardLock> }).keyboard;
  return k && typeof k.lock === 'function' && typeof k.unlock === 'function' ? (k as KeyboardLock) : null;
}

export class ViewerController {
  readonly session: ViewerSession;
  private readonly painter: CanvasPainter;
  private readonly input: InputCapture;
  private readonly drawings: AnnotationLayer;
  private readonly clipboardSync: ClipboardSync;
  private prefsValue: ViewerPrefs;
  private readonly resizeObserver: ResizeObserver | null;
  private readonly cleanups: (() => void)[] = [];
  private snapshot: ViewerSnapshot;

  constructor(
    private readonly el: ViewerElements,
    private readonly options: ViewerControllerOptions,
  ) {
    this.prefsValue = { ...DEFAULT_PREFS, ...options.initialPrefs };
    this.painter = new CanvasPainter(el.picture, el.pointer, (w, h) => {
      this.drawings.resize(w, h);
      this.layout();
    });
    this.session = new ViewerSession({
      url: options.url,
      token: options.token,
      sessionId: options.sessionId,
      painter: this.painter,
      createDecoder: options.createDecoder,
      ...(options.createSocket ? { createSocket: options.createSocket } : {}),
      ...(options.initialQuality ? { quality: options.initialQuality } : {}),
      onClipboard: (text) => void this.clipboardSync.onRemote(text),
      onClipboardRequest: () => void this.clipboardSync.push(),
    });
    this.snapshot = this.session.snapshot;
    const frame = () =>
      el.picture.width > 0 ? { width: el.picture.width, height: el.picture.height } : null;
    const canvasRect = () => el.picture.getBoundingClientRect();
    const origin = () => this.snapshot.origin;
    this.input = new InputCapture({
      keyTarget: el.keyTarget,
      pointerTarget: el.overlay,
      canvasRect,
      frame,
      origin,
      canControl: () => this.snapshot.controlAllowed && this.prefsValue.tool === null,
      keyOptions: () => ({
        passSystemKeys: this.prefsValue.passSystemKeys,
        viewerShortcuts: this.prefsValue.viewerShortcuts,
      }),
      send: (e) => this.session.sendInput(e),
      onShortcut: (s) => this.shortcut(s),
    });
    this.drawings = new AnnotationLayer({
      overlay: el.overlay,
      canvasRect,
      frame,
      origin,
      tool: () => this.prefsValue.tool,
      color: () => this.prefsValue.color,
      send: (m) => this.session.sendAnnotation(m),
      askText: (client, done) => options.askText(client, done),
    });
    this.clipboardSync = new ClipboardSync(
      options.clipboard,
      this.session,
      () => document.hasFocus(),
      () => this.snapshot.grants?.clipboard === true && this.snapshot.phase === 'streaming',
    );
    this.cleanups.push(
      this.session.subscribe((s) => {
        const before = this.snapshot;
        this.snapshot = s;
        if (before.origin.x !== s.origin.x || before.origin.y !== s.origin.y) this.drawings.redraw();
        if (before.sas !== null && s.sas === null) this.drawings.forget();
        // The first picture after consent: share the clipboard as if the viewer just got focus.
        if (before.phase !== 'streaming' && s.phase === 'streaming' && document.hasFocus()) {
          void this.clipboardSync.onFocus();
        }
      }),
    );
    const onFocus = () => void this.clipboardSync.onFocus();
    window.addEventListener('focus', onFocus);
    this.cleanups.push(() => window.removeEventListener('focus', onFocus));
    const onFullscreen = () => this.applyKeyboardLock();
    document.addEventListener('fullscreenchange', onFullscreen);
    this.cleanups.push(() => document.removeEventListener('fullscreenchange', onFullscreen));
    this.resizeObserver =
      typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.layout()) : null;
    this.resizeObserver?.observe(el.viewport);
    el.stage.dataset.tool = this.prefsValue.tool ?? 'control';
    this.layout();
    this.input.focus();
  }

  get prefs(): ViewerPrefs {
    return this.prefsValue;
  }

  setPrefs(patch: Partial<ViewerPrefs>): void {
    const before = this.prefsValue;
    this.prefsValue = { ...before, ...patch };
    if (patch.tool !== undefined && patch.tool !== before.tool) {
      this.drawings.toolChanged();
      // Leaving control for a drawing tool: nothing may stay pressed on the remote side.
      if (patch.tool !== null) this.input.releaseAll();
    }
    if (patch.scale !== undefined && patch.scale !== before.scale) this.layout();
    if (patch.passSystemKeys !== undefined) this.applyKeyboardLock();
    this.el.stage.dataset.tool = this.prefsValue.tool ?? 'control';
    this.options.onPrefs?.(this.prefsValue);
  }

  /** Gives the keyboard back to the picture (after a toolbar click). */
  focus(): void {
    this.input.focus();
  }

  sendCombo(combo: Extract<InputEvent, { type: 'keys.combo' }>['combo']): void {
    this.input.sendCombo(combo);
    this.focus();
  }

  undoDrawing(): void {
    this.drawings.undo();
  }

  eraseDrawings(): void {
    this.drawings.clearAll();
  }

  pushClipboard(): Promise<void> {
    return this.clipboardSync.push();
  }

  pullClipboard(): void {
    this.clipboardSync.pull();
  }

  async screenshot(): Promise<void> {
    if (this.el.picture.width === 0 || !this.snapshot.frame) {
      this.session.notify('screenshotFailed', 'error');
      return;
    }
    try {
      const png = await this.painter.toPng();
      const name = screenshotFileName(new Date());
      (this.options.download ?? downloadBlob)(png, name);
      this.session.notify('screenshotSaved', 'info', [name]);
    } catch {
      this.session.notify('screenshotFailed', 'error');
    }
  }

  async toggleFullscreen(): Promise<void> {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await this.el.fullscreenRoot.requestFullscreen({ navigationUI: 'hide' });
    } catch {
      // Refused (no user gesture, policy): the button stays as it was.
    }
    this.focus();
  }

  /** Lays the stage out for the viewport, the picture size and the scale mode. */
  layout(): void {
    const { viewport, sizer, stage, picture, overlay } = this.el;
    const frame = { width: picture.width, height: picture.height };
    const fit = this.prefsValue.scale === 'fit';
    viewport.style.overflow = fit ? 'hidden' : 'auto';
    const box = { width: viewport.clientWidth, height: viewport.clientHeight };
    const l = layoutCanvas(frame, box, this.prefsValue.scale, window.devicePixelRatio || 1);
    sizer.style.width = `${l.width}px`;
    sizer.style.height = `${l.height}px`;
    sizer.style.marginLeft = `${l.left}px`;
    sizer.style.marginTop = `${l.top}px`;
    stage.style.width = `${frame.width}px`;
    stage.style.height = `${frame.height}px`;
    stage.style.transform = `scale(${l.scale})`;
    for (const c of [picture, overlay]) {
      c.style.width = `${frame.width}px`;
      c.style.height = `${frame.height}px`;
    }
    stage.dataset.scale = this.prefsValue.scale;
  }

  dispose(): void {
    this.resizeObserver?.disconnect();
    for (const c of this.cleanups) c();
    this.input.dispose();
    this.drawings.dispose();
    this.session.close();
    keyboardLock()?.unlock();
  }

  private shortcut(s: ViewerShortcut): void {
    if (s === 'fullscreen') void this.toggleFullscreen();
    else if (s === 'screenshot') void this.screenshot();
    else this.setPrefs({ scale: this.prefsValue.scale === 'fit' ? 'actual' : 'fit' });
  }

  private applyKeyboardLock(): void {
    const lock = keyboardLock();
    if (!lock) return;
    if (document.fullscreenElement && this.prefsValue.passSystemKeys) {
      // Every key goes to the page; the browser still leaves full screen when Escape is held.
      void lock.lock().catch(() => undefined);
    } else {
      lock.unlock();
    }
  }
}
