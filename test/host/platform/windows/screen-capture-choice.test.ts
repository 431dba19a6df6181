/**
 * The Windows capture choice: DXGI where it opens, else GDI with one line naming the HRESULT
 * (what an administrator reads to know why capture is slower), and the chosen method logged
 * like X11's.
 */
import { describe, expect, it } from 'vitest';
import type { DxgiApi } from '../../../../host/platform/windows/dxgi-api';
import { openWindowsScreen } from '../../../../host/platform/windows/screen-capture-choice';
import { DxgiScreenSource } from '../../../../host/platform/windows/dxgi-screen-source';
import type { ScreenSource } from '../../../../host/platform/types';

function recorder() {
  const lines: { level: string; event: string; fields: Record<string, unknown> }[] = [];
  return {
    lines,
    log: {
      info: (event: string, fields: Record<string, unknown> = {}) =>
        lines.push({ level: 'info', event, fields }),
      warn: (event: string, fields: Record<string, unknown> = {}) =>
        lines.push({ level: 'warn', event, fields }),
    },
  };
}

const gdi = { name: 'gdi' } as unknown as ScreenSource;
const desktop = {
  virtualScreen: () => ({ x: 0, y: 0, width: 4, height: 4 }),
  monitors: async () => [{ id: 0, name: 'D1', primary: true, bounds: { x: 0, y: 0, width: 4, height: 4 } }],
  pointer: async () => ({ x: 0, y: 0 }),
  cursor: async () => null,
  now: () => 0,
  log: () => {},
};

describe('Windows capture choice', () => {
  it('falls back to GDI once, naming the step and HRESULT (Wine: DuplicateOutput is E_NOTIMPL)', async () => {
    const { lines, log } = recorder();
    let released = 0;
    const api: DxgiApi = {
      openDevice: async () => ({
        hr: 0,
        step: 'EnumOutputs',
        device: {
          outputs: [
            { name: 'D1', desktop: { left: 0, top: 0, right: 4, bottom: 4 }, attached: true, rotation: 1 },
          ],
          duplicate: () => ({ hr: 0x80004001 | 0, duplication: null }),
          release: () => released++,
        },
      }),
    };
    const chosen = await openWindowsScreen({ dxgi: async () => api, desktop, gdi: async () => gdi, log });
    expect(chosen).toBe(gdi);
    expect(released).toBe(1);
    expect(lines.map((l) => [l.level, l.event, l.fields.method])).toEqual([
      ['warn', 'screen.capture_fallback', 'gdi'],
      ['info', 'screen.capture_method', 'gdi'],
    ]);
    expect(lines[0]!.fields.reason).toBe('DuplicateOutput failed: 0x80004001 E_NOTIMPL');
  });

  it('falls back when d3d11 cannot even load, with its message', async () => {
    const { lines, log } = recorder();
    const chosen = await openWindowsScreen({
      dxgi: async () => {
        throw new Error('Failed to load shared library d3d11.dll');
      },
      desktop,
      gdi: async () => gdi,
      log,
    });
    expect(chosen).toBe(gdi);
    expect(lines[0]!.fields.reason).toBe('Failed to load shared library d3d11.dll');
  });

  it('uses DXGI where it opens, and says so', async () => {
    const { lines, log } = recorder();
    const api: DxgiApi = {
      openDevice: async () => ({
        hr: 0,
        step: 'EnumOutputs',
        device: {
          outputs: [
            { name: 'D1', desktop: { left: 0, top: 0, right: 4, bottom: 4 }, attached: true, rotation: 0 },
          ],
          duplicate: () => ({
            hr: 0,
            duplication: {
              acquire: () => ({ hr: 0x887a0027, imageUpdated: false, dirty: [], moves: [] }),
              read: () => 0,
              releaseFrame: () => {},
              release: () => {},
            },
          }),
          release: () => {},
        },
      }),
    };
    const chosen = await openWindowsScreen({ dxgi: async () => api, desktop, gdi: async () => gdi, log });
    expect(chosen).toBeInstanceOf(DxgiScreenSource);
    expect(lines.map((l) => [l.event, l.fields.method])).toEqual([['screen.capture_method', 'dxgi']]);
    await chosen.close();
  });
});
