/**
 * The plain background on GNOME (and desktops built on its settings: Unity, Budgie, Pantheon),
 * through `gsettings` on org.gnome.desktop.background: the picture is switched off
 * (picture-options 'none') and the primary colour shown solid. The snapshot is each key's value
 * as `gsettings get` prints it (GVariant text), which `gsettings set` takes back unchanged, so the
 * restore is exact. Keys this GNOME lacks (picture-uri-dark before GNOME 42) are left alone.
 */
import { ProtocolError } from '../../../protocol/errors';
import type { CommandRunner } from '../command-runner';
import type { BackgroundSnapshot, DesktopBackground, Rgb } from '../types';

export const GNOME_KIND = 'gnome';
export const GNOME_BACKGROUND_SCHEMA = 'org.gnome.desktop.background';
/** Every key the plain background touches or that decides what is drawn; read and restored. */
export const GNOME_BACKGROUND_KEYS = [
  'picture-uri',
  'picture-uri-dark',
  'picture-options',
  'primary-color',
  'color-shading-type',
] as const;
/** Longest value kept for one key (a picture's URI), in characters. */
const VALUE_MAX_CHARS = 4096;

export function hexColor(color: Rgb): string {
  return `#${[color.r, color.g, color.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

export class GnomeBackground implements DesktopBackground {
  readonly kind = GNOME_KIND;

  constructor(private readonly run: CommandRunner) {}

  async read(): Promise<BackgroundSnapshot> {
    const present = await this.keys();
    const values: Record<string, string> = {};
    for (const key of GNOME_BACKGROUND_KEYS) {
      if (!present.has(key)) continue;
      const value = (await this.gsettings(['get', GNOME_BACKGROUND_SCHEMA, key])).trim();
      if (value.length > VALUE_MAX_CHARS) {
        throw new ProtocolError('internal_error', `the desktop's ${key} is too long to keep for the restore`);
      }
      values[key] = value;
    }
    return { kind: GNOME_KIND, values };
  }

  async setPlain(color: Rgb): Promise<void> {
    await this.set('primary-color', `'${hexColor(color)}'`);
    await this.set('color-shading-type', "'solid'");
    await this.set('picture-options', "'none'");
  }

  async restore(snapshot: BackgroundSnapshot): Promise<void> {
    const present = await this.keys();
    // The picture (and its options) last: the desktop shows the plain colour until all is back.
    const order = [...GNOME_BACKGROUND_KEYS].reverse();
    for (const key of order) {
      const value = snapshot.values[key];
      if (value !== undefined && present.has(key)) await this.set(key, value);
    }
  }

  private async keys(): Promise<Set<string>> {
    const out = await this.gsettings(['list-keys', GNOME_BACKGROUND_SCHEMA]);
    return new Set(out.split('\n').map((k) => k.trim()));
  }

  private async set(key: string, value: string): Promise<void> {
    await this.gsettings(['set', GNOME_BACKGROUND_SCHEMA, key, value]);
  }

  private async gsettings(args: string[]): Promise<string> {
    const result = await this.run('gsettings', args);
    if (result.spawnError === 'ENOENT') {
      throw new ProtocolError('feature_disabled', 'this GNOME desktop has no gsettings command');
    }
    if (result.code !== 0) {
      const detail = result.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
      throw new ProtocolError('internal_error', `gsettings ${args[0]} failed${detail ? `: ${detail}` : ''}`);
    }
    return result.stdout ?? '';
  }
}
