/**
 * GNOME's plain background through the real `gsettings` (Debian's, with GNOME's own schema), on
 * GLib's keyfile backend in a temporary XDG_CONFIG_HOME: the same commands a GNOME session runs,
 * without touching this machine's settings. The customer's picture, options and colours come back
 * exactly as `gsettings get` printed them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../../host/platform/command-runner';
import { GNOME_BACKGROUND_SCHEMA, GnomeBackground } from '../../../../host/platform/linux/gnome-background';
import { linuxDesktopBackground } from '../../../../host/platform/linux/linux-desktop-background';
import { ProtocolError } from '../../../../protocol/errors';

let config: string;
let env: NodeJS.ProcessEnv;

/** The real gsettings, on the keyfile backend of a temporary folder. */
const run: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, args, { env, timeout: 15_000 }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout: String(stdout), stderr: String(stderr) });
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === 'string') return resolve({ code: null, stderr: String(stderr), spawnError: code });
      resolve({ code: typeof code === 'number' ? code : 1, stdout: String(stdout), stderr: String(stderr) });
    });
  });

async function get(key: string): Promise<string> {
  return (await run('gsettings', ['get', GNOME_BACKGROUND_SCHEMA, key])).stdout!.trim();
}

beforeAll(() => {
  config = mkdtempSync(path.join(os.tmpdir(), 'lifeline-gsettings-'));
  env = { ...process.env, XDG_CONFIG_HOME: config, GSETTINGS_BACKEND: 'keyfile' };
});

afterAll(() => rmSync(config, { recursive: true, force: true }));

describe('GnomeBackground', () => {
  it("shows the plain colour without the picture, then puts the customer's picture and colours back exactly", async () => {
    const photo = "'file:///home/ana/Pictures/l\\'été à Nice.jpg'";
    await run('gsettings', ['set', GNOME_BACKGROUND_SCHEMA, 'picture-uri', photo]);
    await run('gsettings', ['set', GNOME_BACKGROUND_SCHEMA, 'picture-options', "'spanned'"]);
    await run('gsettings', ['set', GNOME_BACKGROUND_SCHEMA, 'primary-color', "'#123456'"]);
    const keys = [
      'picture-uri',
      'picture-uri-dark',
      'picture-options',
      'primary-color',
      'color-shading-type',
    ];
    const before = await Promise.all(keys.map(get));

    const gnome = new GnomeBackground(run);
    const saved = await gnome.read();
    expect(saved.kind).toBe('gnome');
    expect(saved.values['picture-uri']).toBe(before[0]);

    await gnome.setPlain({ r: 0x2e, g: 0x34, b: 0x40 });
    expect(await get('picture-options')).toBe("'none'");
    expect(await get('primary-color')).toBe("'#2e3440'");
    expect(await get('color-shading-type')).toBe("'solid'");

    // A later process restores from the snapshot alone (as after a crash).
    await new GnomeBackground(run).restore(JSON.parse(JSON.stringify(saved)));
    expect(await Promise.all(keys.map(get))).toEqual(before);
  });

  it('says clearly when this GNOME has no gsettings command', async () => {
    const missing: CommandRunner = async () => ({ code: null, stderr: '', spawnError: 'ENOENT' });
    const err = await new GnomeBackground(missing).read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('feature_disabled');
    expect((err as ProtocolError).message).toContain('gsettings');
  });
});

describe('which background a Linux desktop gets', () => {
  const facts = (desktop?: string) => ({
    platform: 'linux',
    release: '6.1',
    arch: 'x64',
    env: { DISPLAY: ':9', ...(desktop ? { XDG_CURRENT_DESKTOP: desktop } : {}) },
  });
  const kindOf = (desktop?: string) => {
    const c = linuxDesktopBackground(facts(desktop), run);
    return c.ok ? c.background.kind : c.reason;
  };

  it('GNOME and its relatives use gsettings, KDE its shell, a bare X server or a plain window manager the root', () => {
    expect(kindOf('ubuntu:GNOME')).toBe('gnome');
    expect(kindOf('Unity')).toBe('gnome');
    expect(kindOf('KDE')).toBe('kde');
    expect(kindOf()).toBe('x11-root');
    expect(kindOf('openbox')).toBe('x11-root');
  });

  it('answers "not supported on this desktop" for desktops that draw their own background', () => {
    expect(kindOf('XFCE')).toMatch(/not supported on this desktop \(XFCE\)/);
    expect(kindOf('X-Cinnamon')).toMatch(/not supported on this desktop/);
  });

  it('restores with the implementation the snapshot names, whatever the desktop says now', () => {
    const c = linuxDesktopBackground(facts('XFCE'), run, 'gnome');
    expect(c.ok && c.background.kind).toBe('gnome');
  });
});
