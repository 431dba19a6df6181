/**
 * Test-only requests of the conformance driver on Windows: read back what reached Wine's notepad
 * (the text of its edit control, WM_GETTEXT) and where its window is. Uses the backend's own Win32
 * bindings; not part of the helper.
 */
import { loadWin32 } from '../../../../host/platform/windows/win32';

const WM_GETTEXT = 0x000d;
const WM_SETTEXT = 0x000c;
/** Longest notepad text read back, in UTF-16 units. */
const TEXT_MAX_UNITS = 64 * 1024;

export async function notepadOps(): Promise<Record<string, () => Promise<unknown>>> {
  const { user32 } = await loadWin32();
  const edit = () => {
    const top = user32.FindWindowW('Notepad', null);
    if (!top) return null;
    return { top, edit: user32.FindWindowExW(top, null, 'Edit', null) };
  };
  return {
    'notepad.text': async () => {
      const w = edit();
      if (!w?.edit) return null;
      const buf = new Uint16Array(TEXT_MAX_UNITS);
      const n = Number(user32.SendMessageW(w.edit, WM_GETTEXT, TEXT_MAX_UNITS, buf));
      return Buffer.from(buf.buffer, 0, n * 2).toString('utf16le');
    },
    'notepad.clear': async () => {
      const w = edit();
      if (!w?.edit) return false;
      user32.SendMessageW(w.edit, WM_SETTEXT, 0, new Uint16Array(1));
      return true;
    },
    'debug.vk': async () => [0x1d, 0x2a, 0x2f, 0x1e].map((sc) => user32.MapVirtualKeyW(sc, 3)),
    'notepad.rect': async () => {
      const w = edit();
      if (!w) return null;
      const r = { left: 0, top: 0, right: 0, bottom: 0 };
      user32.GetWindowRect(w.edit ?? w.top, r);
      return r;
    },
  };
}
