/**
 * The Win32 structures both of the helper's threads declare through koffi: the main thread
 * (win32.ts: capture, input, clipboard, registry) and the UI thread that owns the helper's windows
 * (ui-thread/ui-win32.ts). Each thread has its own koffi instance (koffi's type names are global
 * to one instance, so each declares these once), and binds its functions with `bind`.
 *
 * Layouts are written with explicit widths: on Win64 `long` and `BOOL` are 4 bytes, handles and
 * ULONG_PTR 8; koffi aligns fields as the C compiler does. Strings are UTF-16 (the W functions).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- koffi's functions are untyped; each is wrapped in a typed signature by its caller. */
/** A Win32 function as koffi gives it: called directly, or on a worker thread with .async(..., callback). */
export type Fn = ((...args: any[]) => any) & { async: (...args: any[]) => void };
export type Koffi = any;

export type Handle = unknown;

export type Win32Types = ReturnType<typeof declareWin32Types>;

export function declareWin32Types(koffi: Koffi) {
  const HANDLE = koffi.pointer('HANDLE', koffi.opaque());
  const RECT = koffi.struct('RECT', { left: 'int32', top: 'int32', right: 'int32', bottom: 'int32' });
  const POINT = koffi.struct('POINT', { x: 'int32', y: 'int32' });
  const SIZE = koffi.struct('SIZE', { cx: 'int32', cy: 'int32' });
  const MONITORINFOEXW = koffi.struct('MONITORINFOEXW', {
    cbSize: 'uint32',
    rcMonitor: RECT,
    rcWork: RECT,
    dwFlags: 'uint32',
    szDevice: koffi.array('char16', 32, 'String'),
  });
  const CURSORINFO = koffi.struct('CURSORINFO', {
    cbSize: 'uint32',
    flags: 'uint32',
    hCursor: HANDLE,
    ptScreenPos: POINT,
  });
  const ICONINFO = koffi.struct('ICONINFO', {
    fIcon: 'int32',
    xHotspot: 'uint32',
    yHotspot: 'uint32',
    hbmMask: HANDLE,
    hbmColor: HANDLE,
  });
  const BITMAP = koffi.struct('BITMAP', {
    bmType: 'int32',
    bmWidth: 'int32',
    bmHeight: 'int32',
    bmWidthBytes: 'int32',
    bmPlanes: 'uint16',
    bmBitsPixel: 'uint16',
    bmBits: 'void *',
  });
  const BITMAPINFOHEADER = koffi.struct('BITMAPINFOHEADER', {
    biSize: 'uint32',
    biWidth: 'int32',
    biHeight: 'int32',
    biPlanes: 'uint16',
    biBitCount: 'uint16',
    biCompression: 'uint32',
    biSizeImage: 'uint32',
    biXPelsPerMeter: 'int32',
    biYPelsPerMeter: 'int32',
    biClrUsed: 'uint32',
    biClrImportant: 'uint32',
  });
  // Room for a colour table: GetDIBits writes one for some source bitmaps even when asked for 32 bpp.
  const BITMAPINFO = koffi.struct('BITMAPINFO', {
    bmiHeader: BITMAPINFOHEADER,
    bmiColors: koffi.array('uint32', 256),
  });
  const MSG = koffi.struct('MSG', {
    hwnd: HANDLE,
    message: 'uint32',
    wParam: 'uintptr_t',
    lParam: 'intptr_t',
    time: 'uint32',
    pt: POINT,
    lPrivate: 'uint32',
  });
  return {
    HANDLE,
    RECT,
    POINT,
    SIZE,
    MONITORINFOEXW,
    CURSORINFO,
    ICONINFO,
    BITMAP,
    BITMAPINFOHEADER,
    BITMAPINFO,
    MSG,
  };
}

/**
 * Binds each signature of `lib`. A function this Windows (or Wine) version lacks is left out when
 * its name is in `optional` (callers call those with `?.`); any other missing one throws.
 */
export function bind<N extends string>(
  lib: any,
  signatures: Record<N, string>,
  optional: ReadonlySet<string>,
): Record<N, Fn> {
  const out: Partial<Record<N, Fn>> = {};
  for (const [name, sig] of Object.entries<string>(signatures)) {
    try {
      out[name as N] = lib.func(sig);
    } catch (err) {
      if (!optional.has(name)) throw err;
    }
  }
  // Every name is bound except the optional ones, which callers call with `?.`.
  return out as Record<N, Fn>;
}
