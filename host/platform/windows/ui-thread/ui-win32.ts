/**
 * The Win32 functions the UI thread calls (windows, controls, the message loop, layered windows
 * and their bitmaps), declared through the UI thread's own koffi instance. The structures shared
 * with the main thread come from ../win32-types.ts.
 */
import { bind, declareWin32Types, type Fn, type Koffi } from '../win32-types';

export type UiWin32 = ReturnType<typeof bindUiWin32>;

/** Functions an older Windows or Wine may lack; the UI falls back without them. */
const OPTIONAL = new Set(['GetDpiForWindow', 'SetWindowDisplayAffinity', 'DwmFlush']);

/** A DLL this Windows may lack (dwmapi under some Wine builds): its functions are then absent. */
function loadOptional(koffi: Koffi, name: string): unknown {
  try {
    return koffi.load(name);
  } catch {
    return null;
  }
}

export function bindUiWin32(koffi: Koffi) {
  const shared = declareWin32Types(koffi);
  const WNDPROC = koffi.proto('intptr_t __stdcall WNDPROC(HANDLE, uint32, uintptr_t, intptr_t)');
  const WNDCLASSEXW = koffi.struct('WNDCLASSEXW', {
    cbSize: 'uint32',
    style: 'uint32',
    lpfnWndProc: koffi.pointer(WNDPROC),
    cbClsExtra: 'int32',
    cbWndExtra: 'int32',
    hInstance: shared.HANDLE,
    hIcon: shared.HANDLE,
    hCursor: shared.HANDLE,
    hbrBackground: shared.HANDLE,
    lpszMenuName: 'str16',
    lpszClassName: 'str16',
    hIconSm: shared.HANDLE,
  });
  const PAINTSTRUCT = koffi.struct('PAINTSTRUCT', {
    hdc: shared.HANDLE,
    fErase: 'int32',
    rcPaint: shared.RECT,
    fRestore: 'int32',
    fIncUpdate: 'int32',
    rgbReserved: koffi.array('uint8', 32),
  });
  const BLENDFUNCTION = koffi.struct('BLENDFUNCTION', {
    BlendOp: 'uint8',
    BlendFlags: 'uint8',
    SourceConstantAlpha: 'uint8',
    AlphaFormat: 'uint8',
  });
  const types = { ...shared, WNDPROC, WNDCLASSEXW, PAINTSTRUCT, BLENDFUNCTION };
  const user32 = bind(
    koffi.load('user32.dll'),
    {
      RegisterClassExW: 'uint16 RegisterClassExW(WNDCLASSEXW *cls)',
      CreateWindowExW:
        'HANDLE CreateWindowExW(uint32 exStyle, str16 cls, str16 name, uint32 style, int x, int y, int w, int h, HANDLE parent, intptr_t menu, HANDLE instance, void *param)',
      DestroyWindow: 'int DestroyWindow(HANDLE hwnd)',
      DefWindowProcW: 'intptr_t DefWindowProcW(HANDLE hwnd, uint32 msg, uintptr_t wParam, intptr_t lParam)',
      ShowWindow: 'int ShowWindow(HANDLE hwnd, int cmd)',
      UpdateWindow: 'int UpdateWindow(HANDLE hwnd)',
      SetWindowPos: 'int SetWindowPos(HANDLE hwnd, intptr_t after, int x, int y, int w, int h, uint32 flags)',
      SetWindowTextW: 'int SetWindowTextW(HANDLE hwnd, str16 text)',
      EnableWindow: 'int EnableWindow(HANDLE hwnd, int enable)',
      IsWindowEnabled: 'int IsWindowEnabled(HANDLE hwnd)',
      SetFocus: 'HANDLE SetFocus(HANDLE hwnd)',
      GetFocus: 'HANDLE GetFocus()',
      SetForegroundWindow: 'int SetForegroundWindow(HANDLE hwnd)',
      BringWindowToTop: 'int BringWindowToTop(HANDLE hwnd)',
      GetForegroundWindow: 'HANDLE GetForegroundWindow()',
      GetWindowThreadProcessId: 'uint32 GetWindowThreadProcessId(HANDLE hwnd, _Out_ uint32 *pid)',
      AttachThreadInput: 'int AttachThreadInput(uint32 from, uint32 to, int attach)',
      SendMessageW: 'intptr_t SendMessageW(HANDLE hwnd, uint32 msg, uintptr_t wParam, intptr_t lParam)',
      GetWindowTextW: 'int GetWindowTextW(HANDLE hwnd, _Out_ uint16_t *text, int max)',
      GetWindowTextLengthW: 'int GetWindowTextLengthW(HANDLE hwnd)',
      IsDialogMessageW: 'int IsDialogMessageW(HANDLE dialog, MSG *msg)',
      MsgWaitForMultipleObjectsEx:
        'uint32 MsgWaitForMultipleObjectsEx(uint32 count, void *handles, uint32 ms, uint32 wake, uint32 flags)',
      PeekMessageW: 'int PeekMessageW(_Out_ MSG *msg, HANDLE hwnd, uint32 min, uint32 max, uint32 remove)',
      TranslateMessage: 'int TranslateMessage(MSG *msg)',
      DispatchMessageW: 'intptr_t DispatchMessageW(MSG *msg)',
      GetDC: 'HANDLE GetDC(HANDLE hwnd)',
      ReleaseDC: 'int ReleaseDC(HANDLE hwnd, HANDLE hdc)',
      UpdateLayeredWindow:
        'int UpdateLayeredWindow(HANDLE hwnd, HANDLE dst, POINT *at, SIZE *size, HANDLE src, POINT *from, uint32 key, BLENDFUNCTION *blend, uint32 flags)',
      SetLayeredWindowAttributes:
        'int SetLayeredWindowAttributes(HANDLE hwnd, uint32 key, uint8 alpha, uint32 flags)',
      SetWindowDisplayAffinity: 'int SetWindowDisplayAffinity(HANDLE hwnd, uint32 affinity)',
      GetWindowRect: 'int GetWindowRect(HANDLE hwnd, _Out_ RECT *rect)',
      GetClientRect: 'int GetClientRect(HANDLE hwnd, _Out_ RECT *rect)',
      GetSystemMetrics: 'int GetSystemMetrics(int index)',
      SystemParametersInfoW:
        'int SystemParametersInfoW(uint32 action, uint32 param, _Out_ RECT *out, uint32 ini)',
      GetDpiForWindow: 'uint32 GetDpiForWindow(HANDLE hwnd)',
      AdjustWindowRectEx:
        'int AdjustWindowRectEx(_Inout_ RECT *rect, uint32 style, int menu, uint32 exStyle)',
      GetSysColorBrush: 'HANDLE GetSysColorBrush(int index)',
      GetSysColor: 'uint32 GetSysColor(int index)',
      LoadCursorW: 'HANDLE LoadCursorW(HANDLE instance, intptr_t name)',
      DrawTextW: 'int DrawTextW(HANDLE hdc, str16 text, int count, _Inout_ RECT *rect, uint32 format)',
      FillRect: 'int FillRect(HANDLE hdc, RECT *rect, HANDLE brush)',
      BeginPaint: 'HANDLE BeginPaint(HANDLE hwnd, _Out_ PAINTSTRUCT *ps)',
      EndPaint: 'int EndPaint(HANDLE hwnd, PAINTSTRUCT *ps)',
      InvalidateRect: 'int InvalidateRect(HANDLE hwnd, RECT *rect, int erase)',
      GetDlgCtrlID: 'int GetDlgCtrlID(HANDLE hwnd)',
      GetParent: 'HANDLE GetParent(HANDLE hwnd)',
      GetClassNameW: 'int GetClassNameW(HANDLE hwnd, _Out_ uint16_t *name, int max)',
      MessageBeep: 'int MessageBeep(uint32 type)',
    },
    OPTIONAL,
  );
  const gdi32 = bind(
    koffi.load('gdi32.dll'),
    {
      CreateFontW:
        'HANDLE CreateFontW(int height, int width, int escapement, int orientation, int weight, uint32 italic, uint32 underline, uint32 strikeOut, uint32 charSet, uint32 outPrecision, uint32 clipPrecision, uint32 quality, uint32 pitchAndFamily, str16 face)',
      DeleteObject: 'int DeleteObject(HANDLE obj)',
      SelectObject: 'HANDLE SelectObject(HANDLE hdc, HANDLE obj)',
      CreateCompatibleDC: 'HANDLE CreateCompatibleDC(HANDLE hdc)',
      DeleteDC: 'int DeleteDC(HANDLE hdc)',
      CreateDIBSection:
        'HANDLE CreateDIBSection(HANDLE hdc, BITMAPINFO *info, uint32 usage, _Out_ void **bits, HANDLE section, uint32 offset)',
      GdiFlush: 'int GdiFlush()',
      SetTextColor: 'uint32 SetTextColor(HANDLE hdc, uint32 color)',
      SetBkMode: 'int SetBkMode(HANDLE hdc, int mode)',
      // The same two for the device context a WM_CTLCOLOR* message passes as a number.
      SetTextColorOf: 'uint32 SetTextColor(intptr_t hdc, uint32 color)',
      SetBkModeOf: 'int SetBkMode(intptr_t hdc, int mode)',
      CreateSolidBrush: 'HANDLE CreateSolidBrush(uint32 color)',
      GetPixel: 'uint32 GetPixel(HANDLE hdc, int x, int y)',
    },
    OPTIONAL,
  );
  const kernel32 = bind(
    koffi.load('kernel32.dll'),
    {
      GetModuleHandleW: 'HANDLE GetModuleHandleW(str16 name)',
      GetCurrentThreadId: 'uint32 GetCurrentThreadId()',
      GetLastError: 'uint32 GetLastError()',
    },
    OPTIONAL,
  );
  const dwm = loadOptional(koffi, 'dwmapi.dll');
  const dwmapi: { DwmFlush?: Fn } = dwm ? bind(dwm, { DwmFlush: 'int32 DwmFlush()' }, OPTIONAL) : {};
  return { koffi, user32, gdi32, kernel32, dwmapi, types };
}
