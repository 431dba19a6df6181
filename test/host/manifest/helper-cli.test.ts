import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_HOST_NAME } from '../../../protocol/extension-ids';
import { buildHelperBundle, type HelperBundle } from '../native/helper-bundle';

let bundle: HelperBundle;
let home: string;
beforeAll(async () => {
  bundle = await buildHelperBundle();
  home = mkdtempSync(join(tmpdir(), 'lifeline-cli-home-'));
});
afterAll(() => {
  bundle?.remove();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Runs the bundled `lifeline-helper` as a person would, with HOME pointing at a scratch folder. */
function helper(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bundle.path, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lifeline-helper command line', () => {
  it('prints its version and help with exit 0; unknown commands are usage errors (2); no arguments and no desktop: says why (2)', () => {
    expect(helper(['--version'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/),
    });
    expect(helper(['--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('install [--browser B]'),
    });
    // No arguments is the double-click: it needs a desktop to show its windows on.
    expect(helper([])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringContaining('No desktop was found'),
    });
    expect(helper([], { LANG: 'fr_FR.UTF-8' })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Aucun bureau n'a été trouvé"),
    });
    expect(helper(['frobnicate'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command'),
    });
  });

  it('install writes the manifests and a launcher pointing at this bundle; uninstall removes them', () => {
    const installed = helper(['install', '--browser', 'chromium,firefox']);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toMatch(/^written +.*lifeline-helper-host\n/);
    const manifest = join(home, '.config/chromium/NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`);
    const launcher = JSON.parse(readFileSync(manifest, 'utf8')).path;
    expect(readFileSync(launcher, 'utf8')).toContain(bundle.path);
    expect(helper(['install', '--browser', 'chromium,firefox']).stdout).not.toContain('written');

    const removed = helper(['uninstall', '--browser', 'all']);
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.stdout.match(/^removed/gm)).toHaveLength(3);
    expect(existsSync(manifest)).toBe(false);
    expect(helper(['uninstall'])).toMatchObject({ code: 0, stdout: 'nothing to remove\n' });
  });

  it('install with no browser found fails (1) with a hint; bad options are usage errors (2)', () => {
    const emptyHome = mkdtempSync(join(tmpdir(), 'lifeline-empty-home-'));
    expect(helper(['install'], { HOME: emptyHome })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no browser found'),
    });
    rmSync(emptyHome, { recursive: true });
    expect(helper(['install', '--browser', 'safari'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown browser "safari"'),
    });
    expect(helper(['install', '--system', '--user-data-dir', '/tmp/x'])).toMatchObject({ code: 2 });
    expect(helper(['install', '--bogus'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--bogus'),
    });
  });

  it('join validates the code and the server, then connects (a clear failure when nothing answers)', () => {
    // Port 9 on loopback: nothing listens, so the session client fails at once with a clear line.
    const ok = helper(['join', '123 456 789', '--server', 'http://127.0.0.1:9/support']);
    expect(ok.code).toBe(1);
    expect(ok.stdout).toContain('123-456-789');
    expect(ok.stdout).toContain('http://127.0.0.1:9');
    expect(ok.stderr).toContain('Could not reach http://127.0.0.1:9. Check your Internet connection');
    expect(
      helper(['join', '123456789'], { LIFELINE_SERVER: 'http://127.0.0.1:9', LANG: 'fr_FR.UTF-8' }).stderr,
    ).toContain('Impossible de joindre http://127.0.0.1:9.');
    expect(helper(['join', '12345'])).toMatchObject({ code: 2, stderr: expect.stringContaining('9 digits') });
    expect(helper(['join', '123456789'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--server'),
    });
    expect(helper(['join', '123456789', '--server', 'file:///etc/passwd'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('https://'),
    });
    expect(helper(['join'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('missing the join code'),
    });
  });
});
