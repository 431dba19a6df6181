/**
 * The Windows desktop as a ScreenSource through DXGI Desktop Duplication (Windows 8 and later):
 * one duplication per output of the graphics adapter, polled every DXGI_POLL_MS with
 * AcquireNextFrame (timeout 0: the helper's main thread never blocks). Each frame says what
 * changed: its dirty rectangles and move rectangles are read from the GPU (dxgi-com.ts: staging
 * texture, Map) into one desktop-sized B,G,R,X copy, then reported as they are: onDamage gets
 * the dirty rectangles and each move's destination, onMoves gets the moves as copies (a hint the
 * encoder verifies before it sends a COPY). capture() copies from that desktop copy.
 *
 * What Windows says is decided by dxgi-hresult.ts's tables: ACCESS_LOST (a desktop switch, the UAC
 * prompt, a resolution change) re-reads the layout and duplicates the output again; a lost device
 * starts over; while the secure desktop shows, duplicating is retried every RECREATE_RETRY_MS and
 * capture() says why there is no picture. Everything COM is behind DxgiApi, so this file is
 * tested without Windows; on Windows the selection (screen-capture-choice.ts) uses GDI when open()
 * gives a reason instead (Wine: DuplicateOutput is E_NOTIMPL). Not verified on real Windows here.
 */
import { ProtocolError } from '../../../protocol/errors';
import type { CursorImage, Monitor, PixelBuffer, Rect, ScreenMove, ScreenSource } from '../types';
import type { DxgiApi, DxgiDeviceApi, DxgiDuplicationApi, DxgiOutputDesc } from './dxgi-api';
import { acquireDecision, describeHresult, duplicateDecision } from './dxgi-hresult';
import { frameChanges, outputToDesktop, type DxgiMoveRect, type Ltrb } from './dxgi-rects';

/** How often the duplications are asked for a new frame while someone listens, in ms. */
export const DXGI_POLL_MS = 33;
/** Wait between two tries to duplicate an output that could not be (secure desktop), in ms. */
export const RECREATE_RETRY_MS = 500;
/** How long open() waits for each output's first frame (the whole picture), in ms. */
export const FIRST_FRAME_TIMEOUT_MS = 200;
/** DXGI_MODE_ROTATION_UNSPECIFIED and _IDENTITY: rectangles are then in desktop orientation. */
const UNROTATED = new Set([0, 1]);

/** What the source needs besides COM: the same reads the GDI source makes (gdi-screen-source.ts). */
export interface DxgiDesktop {
  /** The Windows virtual screen (all monitors); its origin may be negative. */
  virtualScreen(): { x: number; y: number; width: number; height: number };
  monitors(): Promise<Monitor[]>;
  pointer(): Promise<{ x: number; y: number }>;
  cursor(): Promise<CursorImage | null>;
  now(): number;
  log(event: string, fields: Record<string, unknown>): void;
}

interface OutputState {
  desc: DxgiOutputDesc;
  dup: DxgiDuplicationApi | null;
  /** When duplicating may be tried again (dup null). */
  retryAt: number;
  /** The next frame is read whole (after (re)duplicating: the copy may be stale anywhere). */
  fresh: boolean;
}

interface Layout {
  origin: { x: number; y: number };
  width: number;
  height: number;
}

export type DxgiOpenResult = { source: DxgiScreenSource } | { reason: string };

export class DxgiScreenSource implements ScreenSource {
  private device: DxgiDeviceApi | null;
  private outputs: OutputState[] = [];
  private layout: Layout = { origin: { x: 0, y: 0 }, width: 0, height: 0 };
  private desktop = new Uint8Array(0);
  private out = new Uint8Array(0);
  private deviceRetryAt = 0;
  /**
   * The device being made again (D3D11CreateDevice runs on a worker thread: seconds under Wine);
   * meanwhile there is no device and polls report nothing. Null when no reopening is under way.
   */
  private reopening: Promise<void> | null = null;
  /** The device was made again: the next poll reports the whole desktop changed. */
  private reopened = false;
  private readonly damageListeners = new Set<(rects: Rect[]) => void>();
  private readonly moveListeners = new Set<(moves: ScreenMove[]) => void>();
  private poller: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    private readonly api: DxgiApi,
    private readonly env: DxgiDesktop,
    device: DxgiDeviceApi,
  ) {
    this.device = device;
  }

  /**
   * Duplicates every output, or gives the reason this system cannot (then nothing is held: every
   * COM object made so far is released). `expectedMonitors`: how many monitors Windows shows;
   * outputs of one adapter that cover fewer (a monitor on a second graphics card) are a reason.
   */
  static async open(api: DxgiApi, env: DxgiDesktop): Promise<DxgiOpenResult> {
    const opened = await api.openDevice();
    if (!opened.device) return { reason: `${opened.step} failed: ${describeHresult(opened.hr)}` };
    if (opened.stepMs) env.log('screen.dxgi_open', { ...opened.stepMs });
    const device = opened.device;
    const unusable = await unusableLayout(device.outputs, env);
    if (unusable) {
      device.release();
      return { reason: unusable };
    }
    const source = new DxgiScreenSource(api, env, device);
    const refused = source.duplicateAll();
    if (refused) {
      source.releaseAll();
      return { reason: refused };
    }
    source.pollOnce(FIRST_FRAME_TIMEOUT_MS);
    return { source };
  }

  desktopSize(): { width: number; height: number } {
    const v = this.env.virtualScreen();
    return { width: v.width, height: v.height };
  }

  async monitors(): Promise<Monitor[]> {
    return this.env.monitors();
  }

  async capture(rect?: Rect): Promise<PixelBuffer> {
    if (this.closed) throw new ProtocolError('unavailable', 'screen capture is closed');
    const v = this.env.virtualScreen();
    if (
      v.width !== this.layout.width ||
      v.height !== this.layout.height ||
      v.x !== this.layout.origin.x ||
      v.y !== this.layout.origin.y
    ) {
      // The desktop changed before any duplication said so: start over with the new layout.
      this.restartDevice('layout changed');
    }
    this.emit(this.pollOnce(0));
    // A poll that lost the device (or one already being made again): the picture is read from
    // the new one, not refused as a secure screen.
    if (this.reopening) {
      await this.reopening;
      this.emit(this.pollOnce(0));
    }
    if (this.closed) throw new ProtocolError('unavailable', 'screen capture is closed');
    if (this.device === null || this.outputs.some((o) => o.dup === null)) {
      throw new ProtocolError(
        'unavailable',
        'screen capture: Windows is showing a secure screen (an administrator prompt or the lock screen); the picture comes back when it closes',
      );
    }
    const { width, height } = this.layout;
    const r = rect ?? { x: 0, y: 0, width, height };
    if (
      r.x < 0 ||
      r.y < 0 ||
      r.width <= 0 ||
      r.height <= 0 ||
      r.x + r.width > width ||
      r.y + r.height > height
    ) {
      throw new ProtocolError(
        'unavailable',
        `screen capture: ${r.width}x${r.height}+${r.x}+${r.y} is outside the ${width}x${height} desktop`,
      );
    }
    const rowBytes = r.width * 4;
    const bytes = rowBytes * r.height;
    if (this.out.byteLength < bytes) this.out = new Uint8Array(bytes);
    const stride = width * 4;
    for (let row = 0; row < r.height; row++) {
      const from = (r.y + row) * stride + r.x * 4;
      this.out.set(this.desktop.subarray(from, from + rowBytes), row * rowBytes);
    }
    return { width: r.width, height: r.height, stride: rowBytes, data: this.out.subarray(0, bytes) };
  }

  onDamage(listener: (rects: Rect[]) => void): () => void {
    this.damageListeners.add(listener);
    this.startPolling();
    return () => {
      this.damageListeners.delete(listener);
      this.stopPollingWhenUnheard();
    };
  }

  onMoves(listener: (moves: ScreenMove[]) => void): () => void {
    this.moveListeners.add(listener);
    this.startPolling();
    return () => {
      this.moveListeners.delete(listener);
      this.stopPollingWhenUnheard();
    };
  }

  pointer(): Promise<{ x: number; y: number }> {
    return this.env.pointer();
  }

  cursor(): Promise<CursorImage | null> {
    return this.env.cursor();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    this.damageListeners.clear();
    this.moveListeners.clear();
    this.releaseAll();
  }

  // ------------------------------------------------------------------ internals

  private startPolling(): void {
    if (this.poller || this.closed) return;
    this.poller = setInterval(() => {
      try {
        this.emit(this.pollOnce(0));
      } catch (e) {
        this.env.log('screen.dxgi_poll_failed', { error: e instanceof Error ? e.message : String(e) });
      }
    }, DXGI_POLL_MS);
  }

  private stopPollingWhenUnheard(): void {
    if (this.damageListeners.size + this.moveListeners.size > 0 || !this.poller) return;
    clearInterval(this.poller);
    this.poller = null;
  }

  private emit(changes: { damage: Rect[]; moves: ScreenMove[] }): void {
    // Moves first: the damage of the same frame covers their destinations.
    if (changes.moves.length > 0) for (const l of [...this.moveListeners]) l(changes.moves);
    if (changes.damage.length > 0) for (const l of [...this.damageListeners]) l(changes.damage);
  }

  /** Takes the layout from the device's outputs and the virtual screen: a new desktop copy, every output read whole. */
  private takeLayout(descs: readonly DxgiOutputDesc[]): void {
    const v = this.env.virtualScreen();
    this.layout = { origin: { x: v.x, y: v.y }, width: v.width, height: v.height };
    this.desktop = new Uint8Array(v.width * v.height * 4);
    this.outputs = descs
      .filter((d) => d.attached)
      .map((desc) => ({ desc, dup: null, retryAt: 0, fresh: true }));
  }

  /** Duplicates every output; gives a reason when this system never will. */
  private duplicateAll(): string | null {
    if (!this.device) return 'no device';
    this.takeLayout(this.device.outputs);
    for (const o of this.outputs) {
      const refused = this.duplicate(o);
      if (refused) return refused;
    }
    return null;
  }

  /** One output: duplicating now, later (`wait`: retried), or never (a reason). */
  private duplicate(o: OutputState): string | null {
    const index = this.device!.outputs.indexOf(o.desc);
    const { hr, duplication } = this.device!.duplicate(index);
    const decision = duplicateDecision(hr);
    if (decision === 'ok' && duplication) {
      o.dup = duplication;
      o.fresh = true;
      return null;
    }
    duplication?.release();
    if (decision === 'unsupported') return `DuplicateOutput failed: ${describeHresult(hr)}`;
    o.retryAt = this.env.now() + RECREATE_RETRY_MS;
    return null;
  }

  /** Asks every output for its next frame; what changed, on the helper's desktop. */
  private pollOnce(timeoutMs: number): { damage: Rect[]; moves: ScreenMove[] } {
    const damage: Rect[] = [];
    const moves: ScreenMove[] = [];
    if (this.closed) return { damage, moves };
    if (!this.device) {
      if (!this.reopening && this.env.now() >= this.deviceRetryAt) this.restartDevice('retry');
      return { damage, moves };
    }
    if (this.reopened) {
      this.reopened = false;
      damage.push(this.wholeDesktop());
    }
    for (const o of this.outputs) {
      if (!o.dup) {
        if (this.env.now() < o.retryAt) continue;
        if (this.duplicate(o) !== null || !o.dup) continue;
      }
      const got = o.dup.acquire(timeoutMs);
      const decision = acquireDecision(got.hr);
      if (decision === 'frame') {
        try {
          this.readFrame(o, got.imageUpdated, got, damage, moves);
        } finally {
          o.dup?.releaseFrame();
        }
      } else if (decision === 'recreate-output') {
        this.env.log('screen.dxgi_recreate', { output: o.desc.name, hr: describeHresult(got.hr) });
        if (this.relayoutIfChanged()) return { damage, moves };
        o.dup.release();
        o.dup = null;
        this.duplicate(o);
      } else if (decision === 'recreate-device') {
        this.restartDevice(describeHresult(got.hr));
        return { damage, moves };
      }
    }
    return { damage, moves };
  }

  private readFrame(
    o: OutputState,
    imageUpdated: boolean,
    got: { dirty: readonly Ltrb[]; moves: readonly DxgiMoveRect[] },
    damage: Rect[],
    moves: ScreenMove[],
  ): void {
    if (!imageUpdated || !o.dup) return;
    const place = o.desc.desktop;
    const dx = place.left - this.layout.origin.x;
    const dy = place.top - this.layout.origin.y;
    const changes = o.fresh
      ? (() => {
          const whole = { x: 0, y: 0, width: place.right - place.left, height: place.bottom - place.top };
          return {
            damage: [outputToDesktop(whole, place, this.layout.origin)],
            moves: [],
            outputRects: [whole],
          };
        })()
      : frameChanges(got.dirty, got.moves, place, this.layout.origin);
    if (changes.outputRects.length === 0) return;
    const hr = o.dup.read(changes.outputRects, this.desktop, this.layout.width * 4, dx, dy);
    if (hr !== 0) {
      // The copy is now stale where this frame changed it: read the whole output next time.
      o.fresh = true;
      this.env.log('screen.dxgi_read_failed', { output: o.desc.name, hr: describeHresult(hr) });
      return;
    }
    o.fresh = false;
    damage.push(...changes.damage);
    moves.push(...changes.moves);
  }

  /** After ACCESS_LOST: when the outputs or the virtual screen changed, starts over with the new layout. */
  private relayoutIfChanged(): boolean {
    const v = this.env.virtualScreen();
    const descs = this.device!.outputs;
    const same =
      v.x === this.layout.origin.x &&
      v.y === this.layout.origin.y &&
      v.width === this.layout.width &&
      v.height === this.layout.height &&
      descs.filter((d) => d.attached).length === this.outputs.length &&
      this.outputs.every((o) => descs.includes(o.desc));
    if (same) return false;
    this.restartDevice('layout changed');
    return true;
  }

  /**
   * Releases everything and opens the device again (layout re-read) off the helper's thread; on
   * failure retries later. Once made, the next poll reports the whole desktop changed.
   */
  private restartDevice(why: string): void {
    this.releaseAll();
    if (this.reopening) return;
    this.reopening = this.api
      .openDevice()
      .then((opened) => {
        this.env.log('screen.dxgi_restart', { why, hr: describeHresult(opened.hr), step: opened.step });
        if (this.closed) {
          opened.device?.release();
          return;
        }
        if (!opened.device) {
          this.deviceRetryAt = this.env.now() + RECREATE_RETRY_MS;
          return;
        }
        this.device = opened.device;
        this.reopened = true;
        this.takeLayout(this.device.outputs);
        for (const o of this.outputs) {
          if (this.duplicate(o) !== null) o.retryAt = this.env.now() + RECREATE_RETRY_MS;
        }
      })
      .catch((e: unknown) => {
        this.env.log('screen.dxgi_restart', { why, error: e instanceof Error ? e.message : String(e) });
        this.deviceRetryAt = this.env.now() + RECREATE_RETRY_MS;
      })
      .finally(() => {
        this.reopening = null;
      });
  }

  private wholeDesktop(): Rect {
    return { x: 0, y: 0, width: this.layout.width, height: this.layout.height };
  }

  /** Releases every duplication and the device (Release through each vtable, dxgi-com.ts). */
  private releaseAll(): void {
    for (const o of this.outputs) {
      o.dup?.release();
      o.dup = null;
    }
    this.device?.release();
    this.device = null;
  }
}

/** Why these outputs cannot be duplicated as the helper's desktop, or null. */
async function unusableLayout(outputs: readonly DxgiOutputDesc[], env: DxgiDesktop): Promise<string | null> {
  const attached = outputs.filter((o) => o.attached);
  if (attached.length === 0) return 'the graphics adapter has no output on the desktop';
  const rotated = attached.find((o) => !UNROTATED.has(o.rotation));
  // A rotated output's frame is in the panel's orientation: its rectangles would need turning.
  if (rotated) return `${rotated.name} is rotated (rotation ${rotated.rotation})`;
  const monitors = (await env.monitors()).length;
  if (attached.length < monitors) {
    return `${monitors} monitors but ${attached.length} on the first graphics adapter (a monitor on another adapter)`;
  }
  return null;
}
