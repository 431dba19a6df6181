/**
 * Which capture the Windows helper uses: DXGI Desktop Duplication where it works (it says what
 * changed, so the encoder reads and compares only that), GDI BitBlt + GetDIBits otherwise, with
 * one log line naming the reason (the failing step and its HRESULT). The choice is logged like
 * the X11 backend's: `screen.capture_method method=dxgi|gdi`. Under Wine, DuplicateOutput is a
 * stub (E_NOTIMPL): the fallback is what runs there (test/e2e/conformance).
 */
import type { PlatformLog } from '../platform-log';
import type { ScreenSource } from '../types';
import type { DxgiApi } from './dxgi-api';
import { DxgiScreenSource, type DxgiDesktop } from './dxgi-screen-source';

export interface CaptureChoiceDeps {
  dxgi: () => Promise<DxgiApi>;
  desktop: DxgiDesktop;
  gdi: () => Promise<ScreenSource>;
  log: PlatformLog;
}

export async function openWindowsScreen(deps: CaptureChoiceDeps): Promise<ScreenSource> {
  let reason: string;
  const started = performance.now();
  try {
    const opened = await DxgiScreenSource.open(await deps.dxgi(), deps.desktop);
    if ('source' in opened) {
      deps.log.info('screen.capture_method', {
        method: 'dxgi',
        openMs: Math.round(performance.now() - started),
      });
      return opened.source;
    }
    reason = opened.reason;
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  deps.log.warn('screen.capture_fallback', {
    method: 'gdi',
    reason,
    /** What trying DXGI cost (loading d3d11.dll, making a device): paid once per screen. */
    triedMs: Math.round(performance.now() - started),
    note: 'GDI does not say what changed: the whole desktop is read and compared every 100 ms',
  });
  const gdi = await deps.gdi();
  deps.log.info('screen.capture_method', { method: 'gdi' });
  return gdi;
}
