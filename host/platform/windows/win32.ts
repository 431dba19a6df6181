/**
 * The Win32 functions the helper's main thread calls (capture, input, clipboard, registry, known
 * folders, the elevation checks, the text of drawings), declared once through koffi (an FFI whose
 * npm package carries prebuilt binaries; inside lifeline-helper.exe its win32 binary is an asset,
 * host/cli/sea-addon.ts). loadWin32() imports koffi on first use only (a dynamic import, so the
 * Linux helper never loads it); win32() gives the loaded functions to code that runs after it.
 * The helper's windows live on their own thread with their own declarations (ui-thread/).
 * Structures are in win32-types.ts, with explicit widths (`long` is 4 bytes on Win64).
 */
import { bind, declareWin32Types, type Koffi } from './win32-types';

export type { Fn, Handle } from './win32-types';

export type Win32 = ReturnType<typeof bindAll>;

/** Functions the backend can do without (it falls back), or that Wine lacks. */
const OPTIONAL = new Set(['SetProcessDpiAwarenessContext', 'wine_get_version']);

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
  const shared = declareWin32Types(koffi);
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
  const types = { ...shared, INPUT, GUID, MonitorEnumProc };
  const user32 = bind(
    koffi.load('user32.dll'),
    {
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
      OpenClipboard: 'int OpenClipboard(HANDLE hwnd)',
      CloseClipboard: 'int CloseClipboard()',
      EmptyClipboard: 'int EmptyClipboard()',
      GetClipboardData: 'HANDLE GetClipboardData(uint32 format)',
      SetClipboardData: 'HANDLE SetClipboardData(uint32 format, HANDLE mem)',
      IsClipboardFormatAvailable: 'int IsClipboardFormatAvailable(uint32 format)',
      GetClipboardSequenceNumber: 'uint32 GetClipboardSequenceNumber()',
      OpenInputDesktop: 'HANDLE OpenInputDesktop(uint32 flags, int inherit, uint32 access)',
      GetUserObjectInformationW:
        'int GetUserObjectInformationW(HANDLE obj, int index, _Out_ uint8_t *info, uint32 length, _Out_ uint32 *needed)',
      CloseDesktop: 'int CloseDesktop(HANDLE desktop)',
      GetForegroundWindow: 'HANDLE GetForegroundWindow()',
      GetWindowThreadProcessId: 'uint32 GetWindowThreadProcessId(HANDLE hwnd, _Out_ uint32 *pid)',
      // A message-only window (parent HWND_MESSAGE, -3) owns what the clipboard writes.
      CreateMessageWindow:
        'HANDLE CreateWindowExW(uint32 exStyle, str16 cls, str16 name, uint32 style, int x, int y, int w, int h, intptr_t parent, HANDLE menu, HANDLE instance, void *param)',
      DestroyWindow: 'int DestroyWindow(HANDLE hwnd)',
      // The clipboard owner's messages (win-clipboard.ts): another program's EmptyClipboard sends
      // it WM_DESTROYCLIPBOARD and waits for the answer.
      PeekMessageW: 'int PeekMessageW(_Out_ MSG *msg, HANDLE hwnd, uint32 min, uint32 max, uint32 remove)',
      DispatchMessageW: 'intptr_t DispatchMessageW(MSG *msg)',
      // Wakes the UI thread's message loop when a command is waiting (ui-thread/).
      PostThreadMessageW:
        'int PostThreadMessageW(uint32 thread, uint32 msg, uintptr_t wParam, intptr_t lParam)',
      FindWindowW: 'HANDLE FindWindowW(str16 cls, str16 name)',
      FindWindowExW: 'HANDLE FindWindowExW(HANDLE parent, HANDLE after, str16 cls, str16 name)',
      SendMessageW:
        'intptr_t SendMessageW(HANDLE hwnd, uint32 msg, uintptr_t wParam, _Out_ uint16_t *lParam)',
      GetWindowRect: 'int GetWindowRect(HANDLE hwnd, _Out_ RECT *rect)',
      // The consent question where the helper has no UI thread (message-box-prompt.ts).
      MessageBoxW: 'int MessageBoxW(HANDLE hwnd, str16 text, str16 caption, uint32 type)',
      // The plain background (windows-desktop-background.ts): the wallpaper's path, read and set.
      GetDeskWallpaper:
        'int SystemParametersInfoW(uint32 action, uint32 size, _Out_ uint8_t *path, uint32 winIni)',
      SetDeskWallpaper: 'int SystemParametersInfoW(uint32 action, uint32 unused, str16 path, uint32 winIni)',
      GetSysColor: 'uint32 GetSysColor(int index)',
      SetSysColors: 'int SetSysColors(int count, int32_t *elements, uint32_t *colors)',
    },
    OPTIONAL,
  );
  const gdi32 = bind(
    koffi.load('gdi32.dll'),
    {
      CreateCompatibleDC: 'HANDLE CreateCompatibleDC(HANDLE hdc)',
      CreateCompatibleBitmap: 'HANDLE CreateCompatibleBitmap(HANDLE hdc, int w, int h)',
      CreateDIBSection:
        'HANDLE CreateDIBSection(HANDLE hdc, BITMAPINFO *info, uint32 usage, _Out_ void **bits, HANDLE section, uint32 offset)',
      SelectObject: 'HANDLE SelectObject(HANDLE hdc, HANDLE obj)',
      BitBlt: 'int BitBlt(HANDLE dst, int x, int y, int w, int h, HANDLE src, int sx, int sy, uint32 rop)',
      GetDIBits:
        'int GetDIBits(HANDLE hdc, HANDLE bitmap, uint32 start, uint32 lines, _Out_ uint8_t *bits, _Inout_ BITMAPINFO *info, uint32 usage)',
      DeleteObject: 'int DeleteObject(HANDLE obj)',
      DeleteDC: 'int DeleteDC(HANDLE hdc)',
      GetObjectW: 'int GetObjectW(HANDLE obj, int size, _Out_ BITMAP *out)',
      GdiFlush: 'int GdiFlush()',
      CreateFontW:
        'HANDLE CreateFontW(int height, int width, int escapement, int orientation, int weight, uint32 italic, uint32 underline, uint32 strikeOut, uint32 charSet, uint32 outPrecision, uint32 clipPrecision, uint32 quality, uint32 pitchAndFamily, str16 face)',
      SetTextColor: 'uint32 SetTextColor(HANDLE hdc, uint32 color)',
      SetBkMode: 'int SetBkMode(HANDLE hdc, int mode)',
      GetTextExtentPoint32W: 'int GetTextExtentPoint32W(HANDLE hdc, str16 text, int count, _Out_ SIZE *size)',
      TextOutW: 'int TextOutW(HANDLE hdc, int x, int y, str16 text, int count)',
    },
    OPTIONAL,
  );
  const kernel32 = bind(
    koffi.load('kernel32.dll'),
    {
      GlobalAlloc: 'HANDLE GlobalAlloc(uint32 flags, uintptr_t bytes)',
      GlobalLock: 'void *GlobalLock(HANDLE mem)',
      GlobalUnlock: 'int GlobalUnlock(HANDLE mem)',
      GlobalSize: 'uintptr_t GlobalSize(HANDLE mem)',
      GlobalFree: 'HANDLE GlobalFree(HANDLE mem)',
      GetLastError: 'uint32 GetLastError()',
      GetUserDefaultUILanguage: 'uint16 GetUserDefaultUILanguage()',
      GetCurrentProcess: 'HANDLE GetCurrentProcess()',
      OpenProcess: 'HANDLE OpenProcess(uint32 access, int inherit, uint32 pid)',
      CloseHandle: 'int CloseHandle(HANDLE h)',
    },
    OPTIONAL,
  );
  const advapi32 = bind(
    koffi.load('advapi32.dll'),
    {
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
    },
    OPTIONAL,
  );
  const shell32 = bind(
    koffi.load('shell32.dll'),
    {
      SHGetKnownFolderPath:
        'int32 SHGetKnownFolderPath(GUID *id, uint32 flags, HANDLE token, _Out_ void **path)',
    },
    OPTIONAL,
  );
  const ole32 = bind(koffi.load('ole32.dll'), { CoTaskMemFree: 'void CoTaskMemFree(void *mem)' }, OPTIONAL);
  // Present only under Wine: names the system in logs and docs (never changes what the helper does).
  const ntdll = bind(koffi.load('ntdll.dll'), { wine_get_version: 'str wine_get_version()' }, OPTIONAL);
  return { koffi, user32, gdi32, kernel32, advapi32, shell32, ole32, ntdll, types };
}
