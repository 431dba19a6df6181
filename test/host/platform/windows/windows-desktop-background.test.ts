/**
 * The Windows plain background by its Win32 call sequence (a recording WallpaperApi): the Wine
 * harness needs a prefix (tens of seconds the first time) and a helper session to reach this, so
 * the calls are checked here; the koffi declarations are loaded under Wine by the Windows e2e.
 */
import { describe, expect, it } from 'vitest';
import {
  colorRef,
  WindowsDesktopBackground,
  type WallpaperApi,
} from '../../../../host/platform/windows/windows-desktop-background';

function recording(wallpaper: string | null, color: number, refuse = false) {
  const calls: string[] = [];
  const api: WallpaperApi = {
    getWallpaper: () => (calls.push('get wallpaper'), wallpaper),
    setWallpaper: (path, persist) => (calls.push(`set wallpaper "${path}" persist=${persist}`), !refuse),
    getDesktopColor: () => (calls.push('get colour'), color),
    setDesktopColor: (c) => (calls.push(`set colour ${c.toString(16)}`), true),
  };
  return { api, calls };
}

describe('WindowsDesktopBackground', () => {
  it('reads path and colour, takes the wallpaper off for this logon only, and restores both (saved in the profile)', async () => {
    const { api, calls } = recording('C:\\Users\\Ana\\Pictures\\Été.jpg', 0x804020);
    const bg = new WindowsDesktopBackground(api);
    const saved = await bg.read();
    await bg.setPlain({ r: 0x2e, g: 0x34, b: 0x40 });
    await new WindowsDesktopBackground(api).restore(JSON.parse(JSON.stringify(saved)));
    expect(calls).toEqual([
      'get wallpaper',
      'get colour',
      'set colour 40342e',
      'set wallpaper "" persist=false',
      'set colour 804020',
      'set wallpaper "C:\\Users\\Ana\\Pictures\\Été.jpg" persist=true',
    ]);
  });

  it('says when Windows refuses, and rejects a damaged saved path', async () => {
    const { api } = recording('', 0, true);
    await expect(new WindowsDesktopBackground(api).setPlain({ r: 0, g: 0, b: 0 })).rejects.toThrow(/refused/);
    await expect(
      new WindowsDesktopBackground(recording('', 0).api).restore({
        kind: 'windows',
        values: { wallpaper: 'x'.repeat(261) },
      }),
    ).rejects.toThrow(/too long/);
    const unreadable = recording(null, 0).api;
    await expect(new WindowsDesktopBackground(unreadable).read()).rejects.toThrow(/did not say/);
  });

  it('writes COLORREF as 0x00BBGGRR', () => {
    expect(colorRef({ r: 0x11, g: 0x22, b: 0x33 })).toBe(0x332211);
  });
});
