/**
 * The COM calls of DXGI Desktop Duplication as a small facade, so dxgi-screen-source.ts can be
 * tested without Windows (test/host/platform/windows/dxgi-screen-source.test.ts gives it a fake)
 * and dxgi-com.ts holds every vtable call. Calls return HRESULTs instead of throwing: what to do
 * with each is dxgi-hresult.ts's table.
 */
import type { DxgiMoveRect, Ltrb } from './dxgi-rects';

export interface DxgiOutputDesc {
  /** "\\\\.\\DISPLAY1" as Windows names it. */
  name: string;
  /** Where the output is on the virtual screen. */
  desktop: Ltrb;
  attached: boolean;
  /** DXGI_MODE_ROTATION: 0 unspecified, 1 identity, 2-4 rotated 90/180/270 degrees. */
  rotation: number;
}

export interface DxgiAcquired {
  hr: number;
  /** False when only the pointer moved (LastPresentTime 0): nothing to read. */
  imageUpdated: boolean;
  dirty: Ltrb[];
  moves: DxgiMoveRect[];
}

export interface DxgiDuplicationApi {
  /** AcquireNextFrame, then (on S_OK) GetFrameMoveRects and GetFrameDirtyRects. */
  acquire(timeoutMs: number): DxgiAcquired;
  /**
   * Copies the held frame's pixels inside `rects` (output coordinates, clipped) into `target`
   * (B,G,R,X rows `stride` bytes apart) at (dx + x, dy + y): staging texture, Map, rows, Unmap.
   * Returns an HRESULT.
   */
  read(
    rects: readonly { x: number; y: number; width: number; height: number }[],
    target: Uint8Array,
    stride: number,
    dx: number,
    dy: number,
  ): number;
  /** ReleaseFrame (after every S_OK acquire). */
  releaseFrame(): void;
  /** Releases the duplication and what it holds (staging texture). */
  release(): void;
}

export interface DxgiDeviceApi {
  /** The adapter's outputs, in EnumOutputs order. */
  readonly outputs: readonly DxgiOutputDesc[];
  /** IDXGIOutput1::DuplicateOutput for outputs[index]. */
  duplicate(index: number): { hr: number; duplication: DxgiDuplicationApi | null };
  /** Releases the device, its context, adapter and outputs. */
  release(): void;
}

export interface DxgiApi {
  /** D3D11CreateDevice, IDXGIDevice, its adapter, EnumOutputs. A failed step gives its HRESULT and what it was. */
  /** D3D11CreateDevice runs on a worker thread (seconds under Wine): the helper's thread goes on meanwhile. */
  openDevice(): Promise<{
    hr: number;
    step: string;
    device: DxgiDeviceApi | null;
    stepMs?: Record<string, number>;
  }>;
}
