/**
 * DxgiApi (dxgi-api.ts) through koffi: D3D11CreateDevice, then COM methods called through their
 * vtables. A COM object is a pointer to a pointer to its vtable (an array of function pointers in
 * declaration order, IUnknown's three first); koffi reads the function pointer with
 * `koffi.decode(vtable, index * 8, 'void *')` and calls it with `koffi.call(fn, proto, self, ...)`.
 * The indexes below count every method of the interface and of those it derives from (the SDK's
 * headers, in order). Every object this file gets is released through its own vtable (Release,
 * index 2), on failure paths too.
 *
 * Not verified here: Wine's DuplicateOutput is a stub (E_NOTIMPL), so only D3D11CreateDevice,
 * QueryInterface, GetAdapter, EnumOutputs, GetDesc and Release run under Wine; AcquireNextFrame
 * and below need real Windows (docs/windows.md).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- COM pointers are koffi externals. */
import type { DxgiAcquired, DxgiApi, DxgiDeviceApi, DxgiDuplicationApi, DxgiOutputDesc } from './dxgi-api';
import { DXGI_ERROR_NOT_FOUND, E_FAIL, hresult, S_OK } from './dxgi-hresult';
import type { DxgiMoveRect, Ltrb } from './dxgi-rects';
import { win32 } from './win32';
import type { Fn, Koffi } from './win32-types';

type Ptr = any;

const POINTER_BYTES = 8;
const D3D_DRIVER_TYPE_HARDWARE = 1;
const D3D11_SDK_VERSION = 7;
const D3D11_USAGE_STAGING = 3;
const D3D11_CPU_ACCESS_READ = 0x20000;
const D3D11_MAP_READ = 1;
/** More outputs than this on one adapter is not a real machine. */
const OUTPUTS_MAX = 16;
/** Largest dirty/move rectangle list read, in bytes; beyond it the whole output is read. */
const METADATA_BYTES_MAX = 1 << 20;
const RECT_BYTES = 16;
const MOVE_RECT_BYTES = 24;

/** Vtable indexes (IUnknown 0-2, IDXGIObject 3-6, then each interface's own). */
const V = {
  QueryInterface: 0,
  Release: 2,
  IDXGIDevice_GetAdapter: 7,
  IDXGIAdapter_EnumOutputs: 7,
  IDXGIOutput_GetDesc: 7,
  IDXGIOutput1_DuplicateOutput: 22,
  Dupl_AcquireNextFrame: 8,
  Dupl_GetFrameDirtyRects: 9,
  Dupl_GetFrameMoveRects: 10,
  Dupl_ReleaseFrame: 14,
  /** ID3D11Device: IUnknown 0-2, CreateBuffer 3, CreateTexture1D 4, CreateTexture2D 5. */
  Device_CreateTexture2D: 5,
  /** ID3D11Texture2D: IUnknown 0-2, ID3D11DeviceChild 3-6, ID3D11Resource 7-9, GetDesc 10. */
  Texture2D_GetDesc: 10,
  /** ID3D11DeviceContext: ... Draw 13, Map 14, Unmap 15, ... CopyResource 47. */
  Context_Map: 14,
  Context_Unmap: 15,
  Context_CopyResource: 47,
} as const;

const IID = {
  IDXGIDevice: guid(0x54ec77fa, 0x1377, 0x44e6, [0x8c, 0x32, 0x88, 0xfd, 0x5f, 0x44, 0xc8, 0x4c]),
  IDXGIOutput1: guid(0x00cddea8, 0x939b, 0x4b83, [0xa3, 0x40, 0xa6, 0x85, 0x22, 0x66, 0x66, 0xcc]),
  ID3D11Texture2D: guid(0x6f15aaf2, 0xd208, 0x4e89, [0x9a, 0xb4, 0x48, 0x95, 0x35, 0xd3, 0x4f, 0x9c]),
};

function guid(d1: number, d2: number, d3: number, d4: number[]) {
  return { Data1: d1, Data2: d2, Data3: d3, Data4: d4 };
}

interface ComTypes {
  koffi: Koffi;
  D3D11CreateDevice: Fn;
  protos: Record<string, unknown>;
  OUTPUT_DESC: unknown;
  FRAME_INFO: unknown;
  TEXTURE2D_DESC: unknown;
  MAPPED: unknown;
}

let declared: ComTypes | null = null;

/** Declares the structures and method prototypes once on the main thread's koffi, and loads d3d11.dll. */
function comTypes(): ComTypes {
  if (declared) return declared;
  const { koffi, types } = win32();
  const OUTPUT_DESC = koffi.struct('DXGI_OUTPUT_DESC', {
    DeviceName: koffi.array('char16', 32, 'String'),
    DesktopCoordinates: types.RECT,
    AttachedToDesktop: 'int32',
    Rotation: 'uint32',
    Monitor: types.HANDLE,
  });
  const FRAME_INFO = koffi.struct('DXGI_OUTDUPL_FRAME_INFO', {
    LastPresentTime: 'int64',
    LastMouseUpdateTime: 'int64',
    AccumulatedFrames: 'uint32',
    RectsCoalesced: 'int32',
    ProtectedContentMaskedOut: 'int32',
    PointerPosition: koffi.struct('DXGI_OUTDUPL_POINTER_POSITION', {
      Position: types.POINT,
      Visible: 'int32',
    }),
    TotalMetadataBufferSize: 'uint32',
    PointerShapeBufferSize: 'uint32',
  });
  const TEXTURE2D_DESC = koffi.struct('D3D11_TEXTURE2D_DESC', {
    Width: 'uint32',
    Height: 'uint32',
    MipLevels: 'uint32',
    ArraySize: 'uint32',
    Format: 'uint32',
    SampleDesc: koffi.struct('DXGI_SAMPLE_DESC', { Count: 'uint32', Quality: 'uint32' }),
    Usage: 'uint32',
    BindFlags: 'uint32',
    CPUAccessFlags: 'uint32',
    MiscFlags: 'uint32',
  });
  const MAPPED = koffi.struct('D3D11_MAPPED_SUBRESOURCE', {
    pData: 'void *',
    RowPitch: 'uint32',
    DepthPitch: 'uint32',
  });
  const protos = {
    QueryInterface: koffi.proto('int32 __stdcall ComQueryInterface(void *self, GUID *iid, _Out_ void **out)'),
    Release: koffi.proto('uint32 __stdcall ComRelease(void *self)'),
    GetOut: koffi.proto('int32 __stdcall ComGetOut(void *self, _Out_ void **out)'),
    EnumOutputs: koffi.proto('int32 __stdcall DxgiEnumOutputs(void *self, uint32 index, _Out_ void **out)'),
    OutputGetDesc: koffi.proto('int32 __stdcall DxgiOutputGetDesc(void *self, _Out_ DXGI_OUTPUT_DESC *desc)'),
    DuplicateOutput: koffi.proto(
      'int32 __stdcall DxgiDuplicateOutput(void *self, void *device, _Out_ void **out)',
    ),
    AcquireNextFrame: koffi.proto(
      'int32 __stdcall DxgiAcquireNextFrame(void *self, uint32 timeout, _Out_ DXGI_OUTDUPL_FRAME_INFO *info, _Out_ void **resource)',
    ),
    FrameRects: koffi.proto(
      'int32 __stdcall DxgiFrameRects(void *self, uint32 size, _Out_ uint8_t *rects, _Out_ uint32 *required)',
    ),
    ReleaseFrame: koffi.proto('int32 __stdcall DxgiReleaseFrame(void *self)'),
    TextureGetDesc: koffi.proto(
      'void __stdcall D3dTextureGetDesc(void *self, _Out_ D3D11_TEXTURE2D_DESC *desc)',
    ),
    CreateTexture2D: koffi.proto(
      'int32 __stdcall D3dCreateTexture2D(void *self, D3D11_TEXTURE2D_DESC *desc, void *initial, _Out_ void **out)',
    ),
    CopyResource: koffi.proto('void __stdcall D3dCopyResource(void *self, void *dst, void *src)'),
    Map: koffi.proto(
      'int32 __stdcall D3dMap(void *self, void *resource, uint32 sub, uint32 type, uint32 flags, _Out_ D3D11_MAPPED_SUBRESOURCE *out)',
    ),
    Unmap: koffi.proto('void __stdcall D3dUnmap(void *self, void *resource, uint32 sub)'),
  };
  const d3d11 = koffi.load('d3d11.dll');
  const D3D11CreateDevice = d3d11.func(
    'int32 __stdcall D3D11CreateDevice(void *adapter, int driverType, void *software, uint32 flags, void *levels, uint32 count, uint32 sdk, _Out_ void **device, _Out_ int32 *level, _Out_ void **context)',
  );
  declared = { koffi, D3D11CreateDevice, protos, OUTPUT_DESC, FRAME_INFO, TEXTURE2D_DESC, MAPPED };
  return declared;
}

/** Calls method `index` of COM object `self` with prototype `proto`. */
function invoke(self: Ptr, index: number, proto: unknown, ...args: unknown[]): any {
  const { koffi } = comTypes();
  const vtable = koffi.decode(self, 'void *');
  const fn = koffi.decode(vtable, index * POINTER_BYTES, 'void *');
  return koffi.call(fn, proto, self, ...args);
}

function release(obj: Ptr): void {
  if (obj) invoke(obj, V.Release, comTypes().protos.Release);
}

function queryInterface(obj: Ptr, iid: object): { hr: number; out: Ptr } {
  const out: Ptr[] = [null];
  const hr = hresult(invoke(obj, V.QueryInterface, comTypes().protos.QueryInterface, iid, out));
  return { hr, out: hr === S_OK ? out[0] : null };
}

/** D3D11CreateDevice on one of koffi's worker threads (the device is free-threaded COM). */
function createDevice(t: ComTypes, device: Ptr[], level: number[], context: Ptr[]): Promise<number> {
  return new Promise((resolve, reject) => {
    t.D3D11CreateDevice.async(
      null,
      D3D_DRIVER_TYPE_HARDWARE,
      null,
      0,
      null,
      0,
      D3D11_SDK_VERSION,
      device,
      level,
      context,
      (err: unknown, hr: number) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(hr),
    );
  });
}

export const comDxgiApi: DxgiApi = {
  async openDevice() {
    let t: ComTypes;
    const stepMs: Record<string, number> = {};
    let mark = performance.now();
    const lap = (step: string) => {
      const now = performance.now();
      stepMs[step] = Math.round(now - mark);
      mark = now;
    };
    try {
      t = comTypes();
      lap('load');
    } catch (e) {
      return {
        hr: E_FAIL,
        step: `loading d3d11.dll (${e instanceof Error ? e.message : String(e)})`,
        device: null,
      };
    }
    const made: Ptr[] = [];
    const fail = (hr: number, step: string) => {
      for (const obj of made.reverse()) release(obj);
      return { hr: hresult(hr), step, device: null, stepMs };
    };
    const device: Ptr[] = [null];
    const context: Ptr[] = [null];
    const level = [0];
    const hr = hresult(await createDevice(t, device, level, context));
    lap('D3D11CreateDevice');
    if (hr !== S_OK || !device[0]) return fail(hr || E_FAIL, 'D3D11CreateDevice');
    made.push(device[0], context[0]);
    const dxgiDevice = queryInterface(device[0], IID.IDXGIDevice);
    if (!dxgiDevice.out) return fail(dxgiDevice.hr, 'QueryInterface(IDXGIDevice)');
    made.push(dxgiDevice.out);
    const adapter: Ptr[] = [null];
    const ahr = hresult(invoke(dxgiDevice.out, V.IDXGIDevice_GetAdapter, t.protos.GetOut, adapter));
    if (ahr !== S_OK || !adapter[0]) return fail(ahr || E_FAIL, 'IDXGIDevice::GetAdapter');
    made.push(adapter[0]);
    const outputs: { desc: DxgiOutputDesc; output1: Ptr }[] = [];
    for (let i = 0; i < OUTPUTS_MAX; i++) {
      const output: Ptr[] = [null];
      const ehr = hresult(invoke(adapter[0], V.IDXGIAdapter_EnumOutputs, t.protos.EnumOutputs, i, output));
      if (ehr === DXGI_ERROR_NOT_FOUND) break;
      if (ehr !== S_OK || !output[0]) return fail(ehr || E_FAIL, 'IDXGIAdapter::EnumOutputs');
      made.push(output[0]);
      const raw: any = {};
      const dhr = hresult(invoke(output[0], V.IDXGIOutput_GetDesc, t.protos.OutputGetDesc, raw));
      if (dhr !== S_OK) return fail(dhr, 'IDXGIOutput::GetDesc');
      const output1 = queryInterface(output[0], IID.IDXGIOutput1);
      if (!output1.out) return fail(output1.hr, 'QueryInterface(IDXGIOutput1)');
      made.push(output1.out);
      const r = raw.DesktopCoordinates as Ltrb;
      outputs.push({
        desc: {
          name: String(raw.DeviceName),
          desktop: { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
          attached: raw.AttachedToDesktop !== 0,
          rotation: raw.Rotation,
        },
        output1: output1.out,
      });
    }
    lap('outputs');
    return { hr: S_OK, step: 'EnumOutputs', device: comDevice(device[0], context[0], made, outputs), stepMs };
  },
};

function comDevice(
  device: Ptr,
  context: Ptr,
  owned: Ptr[],
  outputs: { desc: DxgiOutputDesc; output1: Ptr }[],
): DxgiDeviceApi {
  let released = false;
  return {
    outputs: outputs.map((o) => o.desc),
    duplicate(index) {
      const out: Ptr[] = [null];
      const hr = hresult(
        invoke(
          outputs[index]!.output1,
          V.IDXGIOutput1_DuplicateOutput,
          comTypes().protos.DuplicateOutput,
          device,
          out,
        ),
      );
      if (hr !== S_OK || !out[0]) {
        release(out[0]);
        return { hr: hr || E_FAIL, duplication: null };
      }
      return { hr, duplication: comDuplication(out[0], device, context) };
    },
    release() {
      if (released) return;
      released = true;
      // Children before parents: outputs, adapter, IDXGIDevice, then the context and the device.
      for (const obj of [...owned].reverse()) release(obj);
    },
  };
}

function comDuplication(dup: Ptr, device: Ptr, context: Ptr): DxgiDuplicationApi {
  const t = comTypes();
  let frame: Ptr = null;
  let staging: Ptr = null;
  let stagingSize = { width: 0, height: 0 };
  let held = false;
  let released = false;

  const readRects = (kind: 'dirty' | 'move', bytes: number): Uint8Array | null => {
    const buf = new Uint8Array(bytes);
    const required = [0];
    const index = kind === 'dirty' ? V.Dupl_GetFrameDirtyRects : V.Dupl_GetFrameMoveRects;
    const hr = hresult(invoke(dup, index, t.protos.FrameRects, bytes, buf, required));
    return hr === S_OK ? buf.subarray(0, required[0]) : null;
  };

  const acquire = (timeoutMs: number): DxgiAcquired => {
    const info: any = {};
    const resource: Ptr[] = [null];
    const hr = hresult(
      invoke(dup, V.Dupl_AcquireNextFrame, t.protos.AcquireNextFrame, timeoutMs, info, resource),
    );
    if (hr !== S_OK) return { hr, imageUpdated: false, dirty: [], moves: [] };
    held = true;
    const texture = queryInterface(resource[0], IID.ID3D11Texture2D);
    release(resource[0]);
    frame = texture.out;
    const imageUpdated = Number(info.LastPresentTime) !== 0 && frame !== null;
    const bytes = info.TotalMetadataBufferSize as number;
    if (!imageUpdated || bytes === 0) return { hr, imageUpdated, dirty: [], moves: [] };
    const whole: Ltrb = { left: 0, top: 0, right: 0x7fffffff, bottom: 0x7fffffff };
    if (bytes > METADATA_BYTES_MAX) return { hr, imageUpdated, dirty: [whole], moves: [] };
    const moveBytes = readRects('move', bytes);
    const dirtyBytes = readRects('dirty', bytes);
    // Without the lists the frame is read whole (rectangles are clipped to the output).
    if (moveBytes === null || dirtyBytes === null) return { hr, imageUpdated, dirty: [whole], moves: [] };
    return { hr, imageUpdated, dirty: parseRects(dirtyBytes), moves: parseMoves(moveBytes) };
  };

  return {
    acquire,
    read(rects, target, stride, dx, dy) {
      if (!frame) return E_FAIL;
      const desc: any = {};
      invoke(frame, V.Texture2D_GetDesc, t.protos.TextureGetDesc, desc);
      if (!staging || stagingSize.width !== desc.Width || stagingSize.height !== desc.Height) {
        release(staging);
        staging = null;
        const out: Ptr[] = [null];
        const want = {
          ...desc,
          MipLevels: 1,
          ArraySize: 1,
          SampleDesc: { Count: 1, Quality: 0 },
          Usage: D3D11_USAGE_STAGING,
          BindFlags: 0,
          CPUAccessFlags: D3D11_CPU_ACCESS_READ,
          MiscFlags: 0,
        };
        const chr = hresult(
          invoke(device, V.Device_CreateTexture2D, t.protos.CreateTexture2D, want, null, out),
        );
        if (chr !== S_OK || !out[0]) return chr || E_FAIL;
        staging = out[0];
        stagingSize = { width: desc.Width, height: desc.Height };
      }
      invoke(context, V.Context_CopyResource, t.protos.CopyResource, staging, frame);
      const mapped: any = {};
      const mhr = hresult(
        invoke(context, V.Context_Map, t.protos.Map, staging, 0, D3D11_MAP_READ, 0, mapped),
      );
      if (mhr !== S_OK) return mhr;
      try {
        const pitch = mapped.RowPitch as number;
        const src = new Uint8Array(t.koffi.view(mapped.pData, pitch * stagingSize.height));
        for (const r of rects) {
          if (r.x + r.width > stagingSize.width || r.y + r.height > stagingSize.height) continue;
          for (let row = 0; row < r.height; row++) {
            const from = (r.y + row) * pitch + r.x * 4;
            target.set(src.subarray(from, from + r.width * 4), (dy + r.y + row) * stride + (dx + r.x) * 4);
          }
        }
      } finally {
        invoke(context, V.Context_Unmap, t.protos.Unmap, staging, 0);
      }
      return S_OK;
    },
    releaseFrame() {
      release(frame);
      frame = null;
      if (held) invoke(dup, V.Dupl_ReleaseFrame, t.protos.ReleaseFrame);
      held = false;
    },
    release() {
      if (released) return;
      released = true;
      if (held || frame) this.releaseFrame();
      release(staging);
      staging = null;
      release(dup);
    },
  };
}

function parseRects(bytes: Uint8Array): Ltrb[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Ltrb[] = [];
  for (let o = 0; o + RECT_BYTES <= bytes.byteLength; o += RECT_BYTES) {
    out.push({
      left: view.getInt32(o, true),
      top: view.getInt32(o + 4, true),
      right: view.getInt32(o + 8, true),
      bottom: view.getInt32(o + 12, true),
    });
  }
  return out;
}

function parseMoves(bytes: Uint8Array): DxgiMoveRect[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: DxgiMoveRect[] = [];
  for (let o = 0; o + MOVE_RECT_BYTES <= bytes.byteLength; o += MOVE_RECT_BYTES) {
    out.push({
      source: { x: view.getInt32(o, true), y: view.getInt32(o + 4, true) },
      destination: {
        left: view.getInt32(o + 8, true),
        top: view.getInt32(o + 12, true),
        right: view.getInt32(o + 16, true),
        bottom: view.getInt32(o + 20, true),
      },
    });
  }
  return out;
}
