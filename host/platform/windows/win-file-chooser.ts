/**
 * Windows' own "Open" dialog (comdlg32's GetOpenFileNameW), for the customer to pick the file they
 * offer the agent. The call is modal and runs its own message loop until the customer answers, so
 * it runs on one of koffi's worker threads (`.async`): the helper's event loop, and with it the
 * session, goes on meanwhile (the same way message-box-prompt.ts asks). The dialog is told the
 * file must exist (OFN_FILEMUSTEXIST) and is kept from changing the process's current folder
 * (OFN_NOCHANGEDIR). The chosen path comes back in a buffer of FILE_PATH_MAX_CHARS UTF-16 units,
 * the longest path Windows has, so it is never cut.
 */
import type { FileChooser } from '../types';
import { win32 } from './win32';

/** UTF-16 units of the buffer the chosen path is written to (long paths included), NUL counted. */
export const FILE_PATH_MAX_CHARS = 32_768;

const OFN_HIDEREADONLY = 0x4;
const OFN_NOCHANGEDIR = 0x8;
const OFN_PATHMUSTEXIST = 0x800;
const OFN_FILEMUSTEXIST = 0x1000;
const OFN_EXPLORER = 0x80000;
const OFN_DONTADDTORECENT = 0x2000000;
const FLAGS =
  OFN_HIDEREADONLY |
  OFN_NOCHANGEDIR |
  OFN_PATHMUSTEXIST |
  OFN_FILEMUSTEXIST |
  OFN_EXPLORER |
  OFN_DONTADDTORECENT;

interface Comdlg {
  GetOpenFileNameW: { async(...args: unknown[]): void };
  OPENFILENAMEW: unknown;
}

let bound: Comdlg | null = null;

/** comdlg32's GetOpenFileNameW and the OPENFILENAMEW layout (x64: 152 bytes), declared on first use. */
function comdlg(): Comdlg {
  if (bound) return bound;
  const { koffi } = win32();
  const OPENFILENAMEW = koffi.struct('OPENFILENAMEW', {
    lStructSize: 'uint32',
    hwndOwner: 'void *',
    hInstance: 'void *',
    lpstrFilter: 'void *',
    lpstrCustomFilter: 'void *',
    nMaxCustFilter: 'uint32',
    nFilterIndex: 'uint32',
    lpstrFile: 'void *',
    nMaxFile: 'uint32',
    lpstrFileTitle: 'void *',
    nMaxFileTitle: 'uint32',
    lpstrInitialDir: 'void *',
    lpstrTitle: 'void *',
    Flags: 'uint32',
    nFileOffset: 'uint16',
    nFileExtension: 'uint16',
    lpstrDefExt: 'void *',
    lCustData: 'intptr_t',
    lpfnHook: 'void *',
    lpTemplateName: 'void *',
    pvReserved: 'void *',
    dwReserved: 'uint32',
    FlagsEx: 'uint32',
  });
  const lib = koffi.load('comdlg32.dll');
  bound = {
    GetOpenFileNameW: lib.func('int GetOpenFileNameW(OPENFILENAMEW *ofn)'),
    OPENFILENAMEW,
  };
  return bound;
}

type Koffi = ReturnType<typeof win32>['koffi'];

/**
 * A NUL-terminated UTF-16 copy of `s` (or `units` zeroed UTF-16 units) in memory that does not
 * move: the dialog runs on a worker thread while the main thread goes on, which rules out Buffers
 * (koffi passes those for the length of a synchronous call only). Freed by the caller.
 */
function stableWide(koffi: Koffi, s: string, units = s.length + 1): unknown {
  const codes = new Uint16Array(units);
  for (let i = 0; i < s.length && i < units - 1; i++) codes[i] = s.charCodeAt(i);
  const ptr = koffi.alloc('uint16', units);
  koffi.encode(ptr, 'uint16', Array.from(codes), units);
  return ptr;
}

export class WinFileChooser implements FileChooser {
  async choose(options: { title: string; startDir: string }): Promise<string | null> {
    const { koffi } = win32();
    const api = comdlg();
    const file = stableWide(koffi, '', FILE_PATH_MAX_CHARS);
    const title = stableWide(koffi, options.title);
    const startDir = stableWide(koffi, options.startDir);
    try {
      return await this.run(api, {
        lStructSize: koffi.sizeof(api.OPENFILENAMEW),
        hwndOwner: null,
        hInstance: null,
        lpstrFilter: null,
        lpstrCustomFilter: null,
        nMaxCustFilter: 0,
        nFilterIndex: 0,
        lpstrFile: file,
        nMaxFile: FILE_PATH_MAX_CHARS,
        lpstrFileTitle: null,
        nMaxFileTitle: 0,
        lpstrInitialDir: startDir,
        lpstrTitle: title,
        Flags: FLAGS,
        nFileOffset: 0,
        nFileExtension: 0,
        lpstrDefExt: null,
        lCustData: 0,
        lpfnHook: null,
        lpTemplateName: null,
        pvReserved: null,
        dwReserved: 0,
        FlagsEx: 0,
      }).then((ok) => {
        if (ok === 0) return null;
        const chosen = koffi.decode(file, 'char16', -1) as string;
        return chosen === '' ? null : chosen;
      });
    } finally {
      for (const p of [file, title, startDir]) koffi.free(p);
    }
  }

  /**
   * GetOpenFileNameW on a koffi worker thread; 0 when no file was chosen. (Cancel and a failure of
   * the dialog both give 0; CommDlgExtendedError, which tells them apart, keeps its value per
   * thread, so the main thread cannot read the worker's: both count as "nothing chosen".)
   */
  private run(api: Comdlg, ofn: Record<string, unknown>): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      api.GetOpenFileNameW.async(ofn, (err: unknown, result: number) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
      );
    });
  }
}
