/**
 * The plain background on KDE Plasma, through plasmashell's scripting interface on the session
 * bus (`org.kde.PlasmaShell.evaluateScript`, sent with `dbus-send`): each desktop's wallpaper
 * plugin becomes `org.kde.color` with the plain colour. The snapshot is, per desktop, the plugin
 * it had and that plugin's `Image` and `Color` settings (what the image and colour plugins show),
 * printed by the script as JSON; the restore sets the plugin and those settings back.
 * Scripts are built from JSON literals only: nothing read from the desktop is pasted as code.
 */
import * as z from 'zod';
import { ProtocolError } from '../../../protocol/errors';
import type { CommandRunner } from '../command-runner';
import type { BackgroundSnapshot, DesktopBackground, Rgb } from '../types';
import { hexColor } from './gnome-background';

export const KDE_KIND = 'kde';
const COLOR_PLUGIN = 'org.kde.color';
/** Most desktops (one per screen and activity) kept in a snapshot. */
const DESKTOPS_MAX = 32;
const TEXT_MAX_CHARS = 4096;

const SavedDesktop = z.object({
  id: z.number().int().min(0),
  plugin: z.string().min(1).max(200),
  image: z.string().max(TEXT_MAX_CHARS),
  color: z.string().max(200),
});
const SavedDesktops = z.array(SavedDesktop).max(DESKTOPS_MAX);
type SavedDesktop = z.infer<typeof SavedDesktop>;

/** The script that prints every desktop's wallpaper as JSON. */
export const READ_SCRIPT = [
  'var out = [];',
  'desktops().forEach(function (d) {',
  "  d.currentConfigGroup = ['Wallpaper', d.wallpaperPlugin, 'General'];",
  "  out.push({ id: d.id, plugin: String(d.wallpaperPlugin), image: String(d.readConfig('Image') || ''), color: String(d.readConfig('Color') || '') });",
  '});',
  'print(JSON.stringify(out));',
].join('\n');

/** The script that shows `hex` on every desktop. */
export function plainScript(hex: string): string {
  return [
    'desktops().forEach(function (d) {',
    `  d.wallpaperPlugin = ${JSON.stringify(COLOR_PLUGIN)};`,
    `  d.currentConfigGroup = ['Wallpaper', ${JSON.stringify(COLOR_PLUGIN)}, 'General'];`,
    `  d.writeConfig('Color', ${JSON.stringify(hex)});`,
    '});',
  ].join('\n');
}

/** The script that puts `saved` back (desktops matched by id). */
export function restoreScript(saved: readonly SavedDesktop[]): string {
  return [
    `var saved = ${JSON.stringify(saved)};`,
    'desktops().forEach(function (d) {',
    '  saved.forEach(function (s) {',
    '    if (s.id !== d.id) return;',
    '    d.wallpaperPlugin = s.plugin;',
    "    d.currentConfigGroup = ['Wallpaper', s.plugin, 'General'];",
    "    if (s.image) d.writeConfig('Image', s.image);",
    "    if (s.color) d.writeConfig('Color', s.color);",
    '  });',
    '});',
  ].join('\n');
}

/** The string of a `dbus-send --print-reply` answer (`   string "..."`), unescaped. */
export function dbusReplyString(out: string): string {
  const match = /^\s*string "([\s\S]*)"\s*$/m.exec(out);
  if (!match) return '';
  return match[1]!.replace(/\\(.)/g, '$1');
}

export class KdeBackground implements DesktopBackground {
  readonly kind = KDE_KIND;

  constructor(private readonly run: CommandRunner) {}

  async read(): Promise<BackgroundSnapshot> {
    const printed = dbusReplyString(await this.evaluate(READ_SCRIPT));
    let parsed: unknown;
    try {
      parsed = JSON.parse(printed);
    } catch {
      throw new ProtocolError('internal_error', "Plasma did not say what the desktops' wallpapers are");
    }
    const desktops = SavedDesktops.safeParse(parsed);
    if (!desktops.success) {
      throw new ProtocolError('internal_error', "Plasma's answer about the wallpapers was not understood");
    }
    return { kind: KDE_KIND, values: { desktops: JSON.stringify(desktops.data) } };
  }

  async setPlain(color: Rgb): Promise<void> {
    await this.evaluate(plainScript(hexColor(color)));
  }

  async restore(snapshot: BackgroundSnapshot): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(snapshot.values.desktops ?? '[]');
    } catch {
      parsed = null;
    }
    const desktops = SavedDesktops.safeParse(parsed);
    if (!desktops.success) throw new ProtocolError('invalid_message', 'the saved KDE wallpapers are damaged');
    await this.evaluate(restoreScript(desktops.data));
  }

  private async evaluate(script: string): Promise<string> {
    const result = await this.run('dbus-send', [
      '--session',
      '--print-reply',
      '--dest=org.kde.plasmashell',
      '/PlasmaShell',
      'org.kde.PlasmaShell.evaluateScript',
      `string:${script}`,
    ]);
    if (result.spawnError === 'ENOENT') {
      throw new ProtocolError('feature_disabled', 'this KDE desktop has no dbus-send command');
    }
    if (result.code !== 0) {
      const detail = result.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
      throw new ProtocolError(
        'internal_error',
        `Plasma refused the wallpaper change${detail ? `: ${detail}` : ''}`,
      );
    }
    return result.stdout ?? '';
  }
}
