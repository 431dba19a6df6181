/**
 * The Win32 functions and structures the Windows backend calls, declared once through koffi (an
 * FFI whose npm package carries prebuilt binaries; inside lifeline-helper.exe its win32 binary is
 * an asset, host/cli/sea-addon.ts). loadWin32() imports koffi on first use only (a dynamic import,
 * so the Linux helper never loads it), and a koffi type is never declared twice (koffi's type
 * names are global); win32() gives the loaded functions to code that runs after it.
 *
 * Layouts are written with explicit widths: on Win64 `long` and `BOOL` are 4 bytes, handles and
 * ULONG_PTR 8; koffi aligns fields as the C compiler does. Strings are UTF-16 (the W functions).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- koffi's functions are untyped; each is wrapped in a typed signature below. */
/** A Win32 function as koffi gives it: called directly, or on a worker thread with .async(..., callback). */
export type Fn = ((...args: any[]) => any) & { async: (...args: any[]) => void };
type Koffi = any;

export type Handle = unknown;

export type Win32 = ReturnType<typeof bindAll>;

function declare(koffi: Koffi) {
  const HANDLE = koffi.pointer('HANDLE', koffi.opaque());
  const RECT = koffi.struct('RECT', { left: 'int32', top: 'int32', right: 'int32', bottom: 'int32' });
  const POINT = koffi.struct('POINT', { x: 'int32', y: 'int32' });
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
  const MOUSEINPUT = koffi.struct('MOUSEINPUT', {
    dx: 'int32',
    dy: 'int32',
    mouseData: 'uint32',
    dwFlags: 'uint32',
    time: 'uint32',
    dwExtraInfo: 'uintptr_t',
  });
  const KEYBDINPUT = koffi.struct('KEYBDINPUT', {
    wVk: 'uint16',
    wScan: 'uint16',
    dwFlags: 'uint32',
    time: 'uint32',
    dwExtraInfo: 'uintptr_t',
  });
  const INPUT_UNION = koffi.union('INPUT_UNION', { mi: MOUSEINPUT, ki: KEYBDINPUT });
  const INPUT = koffi.struct('INPUT', { type: 'uint32', u: INPUT_UNION });
  const GUID = koffi.struct('GUID', {
    Data1: 'uint32',
    Data2: 'uint16',
    Data3: 'uint16',
    Data4: koffi.array('uint8', 8),
  });
  const MonitorEnumProc = koffi.proto('int __stdcall MonitorEnumProc(HANDLE, HANDLE, RECT *, intptr_t)');
  const WNDPROC = koffi.proto('intptr_t __stdcall WNDPROC(HANDLE, uint32, uintptr_t, intptr_t)');
  const WNDCLASSEXW = koffi.struct('WNDCLASSEXW', {
    cbSize: 'uint32',
    style: 'uint32',
    lpfnWndProc: koffi.pointer(WNDPROC),
    cbClsExtra: 'int32',
    cbWndExtra: 'int32',
    hInstance: HANDLE,
    hIcon: HANDLE,
    hCursor: HANDLE,
    hbrBackground: HANDLE,
    lpszMenuName: 'str16',
    lpszClassName: 'str16',
    hIconSm: HANDLE,
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
  const PAINTSTRUCT = koffi.struct('PAINTSTRUCT', {
    hdc: HANDLE,
    fErase: 'int32',
    rcPaint: RECT,
    fRestore: 'int32',
    fIncUpdate: 'int32',
    rgbReserved: koffi.array('uint8', 32),
  });
  return {
    HANDLE,
    RECT,
    POINT,
    MONITORINFOEXW,
    CURSORINFO,
    ICONINFO,
    BITMAP,
    BITMAPINFOHEADER,
    BITMAPINFO,
    INPUT,
    GUID,
    MonitorEnumProc,
    WNDPROC,
    WNDCLASSEXW,
    MSG,
    PAINTSTRUCT,
  };
}

/**
 * Binds each signature. A function this Windows (or Wine) version lacks is left out: those that
 * may be missing (newer than Windows 10 1607) are listed in OPTIONAL and called with `?.`.
 */
function bind<N extends string>(lib: any, signatures: Record<N, string>): Record<N, Fn> {
  const out: Partial<Record<N, Fn>> = {};
  for (const [name, sig] of Object.entries<string>(signatures)) {
    try {
      out[name as N] = lib.func(sig);
    } catch (err) {
      if (!OPTIONAL.has(name)) throw err;
    }
  }
  // Every name is bound except the OPTIONAL ones, which callers call with `?.`.
  return out as Record<N, Fn>;
}

/** Functions the backend can do without (it falls back). */
const OPTIONAL = new Set(['SetProcessDpiAwarenessContext', 'SetWindowDisplayAffinity']);

let loaded: Win32 | null = null;

/** The loaded functions; loadWin32() must have resolved first (every backend part's open() awaits it). */
export function win32(): Win32 {
  if (!loaded) throw new Error('Win32 functions used before loadWin32()');
  return loaded;
}

/** Loads koffi and the system DLLs once. Rejects where koffi has no binary (not Windows). */
export async function loadWin32(): Promise<Win32> {
  if (loaded) return loaded;
  const imported = (await import('koffi')) as { default?: Koffi };
  const koffi: Koffi = imported.default ?? imported;
  if (loaded) return loaded;
  loaded = bindAll(koffi);
  return loaded;
}

function bindAll(koffi: Koffi) {
  const types = declare(koffi);
  const user32 = bind(koffi.load('user32.dll'), {
    GetSystemMetrics: 'int GetSystemMetrics(int index)',
    GetDC: 'HANDLE GetDC(HANDLE hwnd)',
    ReleaseDC: 'int ReleaseDC(HANDLE hwnd, HANDLE hdc)',
    EnumDisplayMonitors:
      'int EnumDisplayMonitors(HANDLE hdc, RECT *clip, MonitorEnumProc *proc, intptr_t data)',
    GetMonitorInfoW: 'int GetMonitorInfoW(HANDLE monitor, _Inout_ MONITORINFOEXW *info)',
    SetProcessDpiAwarenessContext: 'int SetProcessDpiAwarenessContext(intptr_t context)',
    SetProcessDPIAware: 'int SetProcessDPIAware()',
    GetCursorPos: 'int GetCursorPos(_Out_ POINT *point)',
    SetCursorPos: 'int SetCursorPos(int x, int y)',
    GetCursorInfo: 'int GetCursorInfo(_Inout_ CURSORINFO *info)',
    GetIconInfo: 'int GetIconInfo(HANDLE icon, _Out_ ICONINFO *info)',
    SendInput: 'uint32 SendInput(uint32 count, INPUT *inputs, int size)',
    MapVirtualKeyW: 'uint32 MapVirtualKeyW(uint32 code, uint32 mapType)',
    VkKeyScanW: 'int16 VkKeyScanW(char16 ch)',
    OpenClipboard: 'int OpenClipboard(HANDLE hwnd)',
    CloseClipboard: 'int CloseClipboard()',
    EmptyClipboard: 'int EmptyClipboard()',
    GetClipboardData: 'HANDLE GetClipboardData(uint32 format)',
    SetClipboardData: 'HANDLE SetClipboardData(uint32 format, HANDLE mem)',
    IsClipboardFormatAvailable: 'int IsClipboardFormatAvailable(uint32 format)',
    GetClipboardSequenceNumber: 'uint32 GetClipboardSequenceNumber()',
    MessageBoxW: 'int MessageBoxW(HANDLE hwnd, str16 text, str16 caption, uint32 type)',
    OpenInputDesktop: 'HANDLE OpenInputDesktop(uint32 flags, int inherit, uint32 access)',
    GetUserObjectInformationW:
      'int GetUserObjectInformationW(HANDLE obj, int index, _Out_ uint8_t *info, uint32 length, _Out_ uint32 *needed)',
    CloseDesktop: 'int CloseDesktop(HANDLE desktop)',
    GetForegroundWindow: 'HANDLE GetForegroundWindow()',
    GetWindowThreadProcessId: 'uint32 GetWindowThreadProcessId(HANDLE hwnd, _Out_ uint32 *pid)',
    ExitWindowsEx: 'int ExitWindowsEx(uint32 flags, uint32 reason)',
    RegisterClassExW: 'uint16 RegisterClassExW(WNDCLASSEXW *cls)',
    CreateWindowExW:
      'HANDLE CreateWindowExW(uint32 exStyle, str16 cls, str16 name, uint32 style, int x, int y, int w, int h, HANDLE parent, HANDLE menu, HANDLE instance, void *param)',
    // The same function with the parent as a number, for HWND_MESSAGE (-3): a message-only window.
    CreateMessageWindow:
      'HANDLE CreateWindowExW(uint32 exStyle, str16 cls, str16 name, uint32 style, int x, int y, int w, int h, intptr_t parent, HANDLE menu, HANDLE instance, void *param)',
    DestroyWindow: 'int DestroyWindow(HANDLE hwnd)',
    ShowWindow: 'int ShowWindow(HANDLE hwnd, int cmd)',
    UpdateWindow: 'int UpdateWindow(HANDLE hwnd)',
    SetWindowPos: 'int SetWindowPos(HANDLE hwnd, HANDLE after, int x, int y, int w, int h, uint32 flags)',
    SetLayeredWindowAttributes:
      'int SetLayeredWindowAttributes(HANDLE hwnd, uint32 key, uint8 alpha, uint32 flags)',
    SetWindowDisplayAffinity: 'int SetWindowDisplayAffinity(HANDLE hwnd, uint32 affinity)',
    SetForegroundWindow: 'int SetForegroundWindow(HANDLE hwnd)',
    DefWindowProcW: 'intptr_t DefWindowProcW(HANDLE hwnd, uint32 msg, uintptr_t wParam, intptr_t lParam)',
    PeekMessageW: 'int PeekMessageW(_Out_ MSG *msg, HANDLE hwnd, uint32 min, uint32 max, uint32 remove)',
    TranslateMessage: 'int TranslateMessage(MSG *msg)',
    DispatchMessageW: 'intptr_t DispatchMessageW(MSG *msg)',
    InvalidateRect: 'int InvalidateRect(HANDLE hwnd, RECT *rect, int erase)',
    BeginPaint: 'HANDLE BeginPaint(HANDLE hwnd, _Out_ PAINTSTRUCT *ps)',
    EndPaint: 'int EndPaint(HANDLE hwnd, PAINTSTRUCT *ps)',
    FillRect: 'int FillRect(HANDLE hdc, RECT *rect, HANDLE brush)',
    DrawTextW: 'int DrawTextW(HANDLE hdc, str16 text, int count, _Inout_ RECT *rect, uint32 format)',
    LoadCursorW: 'HANDLE LoadCursorW(HANDLE instance, intptr_t name)',
    FindWindowW: 'HANDLE FindWindowW(str16 cls, str16 name)',
    FindWindowExW: 'HANDLE FindWindowExW(HANDLE parent, HANDLE after, str16 cls, str16 name)',
    SendMessageW: 'intptr_t SendMessageW(HANDLE hwnd, uint32 msg, uintptr_t wParam, _Out_ uint16_t *lParam)',
    GetWindowRect: 'int GetWindowRect(HANDLE hwnd, _Out_ RECT *rect)',
    IsWindow: 'int IsWindow(HANDLE hwnd)',
  });
  const gdi32 = bind(koffi.load('gdi32.dll'), {
    CreateCompatibleDC: 'HANDLE CreateCompatibleDC(HANDLE hdc)',
    CreateCompatibleBitmap: 'HANDLE CreateCompatibleBitmap(HANDLE hdc, int w, int h)',
    SelectObject: 'HANDLE SelectObject(HANDLE hdc, HANDLE obj)',
    BitBlt: 'int BitBlt(HANDLE dst, int x, int y, int w, int h, HANDLE src, int sx, int sy, uint32 rop)',
    GetDIBits:
      'int GetDIBits(HANDLE hdc, HANDLE bitmap, uint32 start, uint32 lines, _Out_ uint8_t *bits, _Inout_ BITMAPINFO *info, uint32 usage)',
    DeleteObject: 'int DeleteObject(HANDLE obj)',
    DeleteDC: 'int DeleteDC(HANDLE hdc)',
    GetObjectW: 'int GetObjectW(HANDLE obj, int size, _Out_ BITMAP *out)',
    CreateSolidBrush: 'HANDLE CreateSolidBrush(uint32 color)',
    SetTextColor: 'uint32 SetTextColor(HANDLE hdc, uint32 color)',
    SetBkColor: 'uint32 SetBkColor(HANDLE hdc, uint32 color)',
    SetBkMode: 'int SetBkMode(HANDLE hdc, int mode)',
    CreatePen: 'HANDLE CreatePen(int style, int width, uint32 color)',
    MoveToEx: 'int MoveToEx(HANDLE hdc, int x, int y, void *old)',
    LineTo: 'int LineTo(HANDLE hdc, int x, int y)',
    Ellipse: 'int Ellipse(HANDLE hdc, int l, int t, int r, int b)',
    Rectangle: 'int Rectangle(HANDLE hdc, int l, int t, int r, int b)',
    GetStockObject: 'HANDLE GetStockObject(int index)',
    TextOutW: 'int TextOutW(HANDLE hdc, int x, int y, str16 text, int count)',
  });
  const kernel32 = bind(koffi.load('kernel32.dll'), {
    GlobalAlloc: 'HANDLE GlobalAlloc(uint32 flags, uintptr_t bytes)',
    GlobalLock: 'void *GlobalLock(HANDLE mem)',
    GlobalUnlock: 'int GlobalUnlock(HANDLE mem)',
    GlobalSize: 'uintptr_t GlobalSize(HANDLE mem)',
    GlobalFree: 'HANDLE GlobalFree(HANDLE mem)',
    GetLastError: 'uint32 GetLastError()',
    GetUserDefaultUILanguage: 'uint16 GetUserDefaultUILanguage()',
    GetCurrentProcess: 'HANDLE GetCurrentProcess()',
    GetModuleHandleW: 'HANDLE GetModuleHandleW(str16 name)',
    CloseHandle: 'int CloseHandle(HANDLE h)',
    GetFinalPathNameByHandleW:
      'uint32 GetFinalPathNameByHandleW(HANDLE file, _Out_ uint16_t *path, uint32 size, uint32 flags)',
  });
  const advapi32 = bind(koffi.load('advapi32.dll'), {
    RegCreateKeyExW:
      'int32 RegCreateKeyExW(uintptr_t root, str16 subkey, uint32 reserved, str16 cls, uint32 options, uint32 sam, void *security, _Out_ HANDLE *key, _Out_ uint32 *disposition)',
    RegOpenKeyExW:
      'int32 RegOpenKeyExW(uintptr_t root, str16 subkey, uint32 options, uint32 sam, _Out_ HANDLE *key)',
    RegSetValueExW:
      'int32 RegSetValueExW(HANDLE key, str16 name, uint32 reserved, uint32 type, uint8_t *data, uint32 size)',
    RegQueryValueExW:
      'int32 RegQueryValueExW(HANDLE key, str16 name, void *reserved, _Out_ uint32 *type, _Out_ uint8_t *data, _Inout_ uint32 *size)',
    RegDeleteKeyW: 'int32 RegDeleteKeyW(uintptr_t root, str16 subkey)',
    RegDeleteValueW: 'int32 RegDeleteValueW(HANDLE key, str16 name)',
    RegCloseKey: 'int32 RegCloseKey(HANDLE key)',
    OpenProcessToken: 'int OpenProcessToken(HANDLE process, uint32 access, _Out_ HANDLE *token)',
    GetTokenInformation:
      'int GetTokenInformation(HANDLE token, int cls, _Out_ uint8_t *info, uint32 length, _Out_ uint32 *needed)',
  });
  const shell32 = bind(koffi.load('shell32.dll'), {
    SHGetKnownFolderPath:
      'int32 SHGetKnownFolderPath(GUID *id, uint32 flags, HANDLE token, _Out_ void **path)',
  });
  const ole32 = bind(koffi.load('ole32.dll'), {
    CoTaskMemFree: 'void CoTaskMemFree(void *mem)',
  });
  return { koffi, user32, gdi32, kernel32, advapi32, shell32, ole32, types };
}
