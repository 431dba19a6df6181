/**
 * KDE Plasma's plain background, by the commands it sends: Plasma itself cannot run here, so the
 * runner records the `dbus-send` calls and answers as plasmashell does (the printed JSON as a
 * D-Bus string). Not verified against a real Plasma session (docs/helper-linux.md says so).
 */
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../../host/platform/command-runner';
import { dbusReplyString, KdeBackground, READ_SCRIPT } from '../../../../host/platform/linux/kde-background';

const DESKTOPS = [
  { id: 1, plugin: 'org.kde.image', image: 'file:///home/ana/Pictures/"quoted".jpg', color: '' },
  { id: 7, plugin: 'org.kde.slideshow', image: '', color: '' },
];

function plasma(): { run: CommandRunner; scripts: string[] } {
  const scripts: string[] = [];
  const run: CommandRunner = async (command, args) => {
    expect(command).toBe('dbus-send');
    expect(args.slice(0, 5)).toEqual([
      '--session',
      '--print-reply',
      '--dest=org.kde.plasmashell',
      '/PlasmaShell',
      'org.kde.PlasmaShell.evaluateScript',
    ]);
    const script = args[5]!.replace(/^string:/, '');
    scripts.push(script);
    const printed = script === READ_SCRIPT ? JSON.stringify(DESKTOPS) : '';
    const escaped = printed.replace(/["\\]/g, (c) => `\\${c}`);
    return { code: 0, stderr: '', stdout: `method return time=1 sender=:1.9\n   string "${escaped}"\n` };
  };
  return { run, scripts };
}

describe('KdeBackground', () => {
  it('reads every desktop, sets the colour plugin, and restores each plugin and picture by desktop id', async () => {
    const { run, scripts } = plasma();
    const kde = new KdeBackground(run);
    const saved = await kde.read();
    expect(JSON.parse(saved.values.desktops!)).toEqual(DESKTOPS);
    await kde.setPlain({ r: 0x2e, g: 0x34, b: 0x40 });
    expect(scripts[1]).toContain('d.wallpaperPlugin = "org.kde.color"');
    expect(scripts[1]).toContain(`d.writeConfig('Color', "#2e3440")`);
    await new KdeBackground(run).restore(saved);
    // The saved values travel as a JSON literal, never as code.
    expect(scripts[2]).toContain(`var saved = ${JSON.stringify(DESKTOPS)};`);
    expect(scripts[2]).toContain('d.wallpaperPlugin = s.plugin;');
  });

  it('refuses a damaged snapshot and an answer it does not understand', async () => {
    const { run } = plasma();
    await expect(
      new KdeBackground(run).restore({ kind: 'kde', values: { desktops: '{"id":"x"' } }),
    ).rejects.toThrow(/damaged/);
    const odd: CommandRunner = async () => ({ code: 0, stderr: '', stdout: '   string "[{\\"id\\":-1}]"\n' });
    await expect(new KdeBackground(odd).read()).rejects.toThrow(/not understood/);
  });

  it('unescapes a dbus-send string answer', () => {
    expect(dbusReplyString('method return\n   string "a \\"b\\" \\\\ c"\n')).toBe('a "b" \\ c');
    expect(dbusReplyString('no string here')).toBe('');
  });
});
