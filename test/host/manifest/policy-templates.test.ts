import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyTemplate } from '../../../host/manifest/policy-templates';
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../../../protocol/extension-ids';
import { buildHelperBundle, type HelperBundle } from '../native/helper-bundle';

describe('enterprise policy templates', () => {
  it('Chrome-family: force-install from the update URL and the server in 3rdparty managed storage', () => {
    expect(
      policyTemplate('edge', {
        serverUrl: 'https://help.example.com',
        installFrom: 'https://clients2.google.com/service/update2/crx',
      }),
    ).toEqual({
      ExtensionInstallForcelist: [`${CHROME_EXTENSION_ID};https://clients2.google.com/service/update2/crx`],
      '3rdparty': { extensions: { [CHROME_EXTENSION_ID]: { serverUrl: 'https://help.example.com' } } },
    });
    expect(policyTemplate('chrome', { serverUrl: 'https://h.example' })).not.toHaveProperty(
      'ExtensionInstallForcelist',
    );
  });

  it('Firefox: policies.json with ExtensionSettings and 3rdparty.Extensions', () => {
    expect(
      policyTemplate('firefox', {
        serverUrl: 'https://help.example.com',
        installFrom: 'https://h.example/a.xpi',
      }),
    ).toEqual({
      policies: {
        ExtensionSettings: {
          [FIREFOX_EXTENSION_ID]: {
            installation_mode: 'force_installed',
            install_url: 'https://h.example/a.xpi',
          },
        },
        '3rdparty': { Extensions: { [FIREFOX_EXTENSION_ID]: { serverUrl: 'https://help.example.com' } } },
      },
    });
  });
});

describe('lifeline-helper policy', () => {
  let bundle: HelperBundle;
  beforeAll(async () => {
    bundle = await buildHelperBundle();
  });
  afterAll(() => bundle?.remove());
  const run = (args: string[]) =>
    spawnSync(process.execPath, [bundle.path, 'policy', ...args], { encoding: 'utf8' });

  it('prints the JSON on stdout and where to put it on stderr', () => {
    const r = run(['--browser', 'chrome', '--server', 'https://help.example.com/any/path']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(policyTemplate('chrome', { serverUrl: 'https://help.example.com' }));
    expect(r.stderr).toContain('/etc/opt/chrome/policies/managed/lifeline.json');
  });

  it('refuses a missing browser or server with a usage error', () => {
    expect(run(['--server', 'https://a.example']).status).toBe(2);
    expect(run(['--browser', 'chrome']).status).toBe(2);
    expect(run(['--browser', 'chrome', '--server', 'ftp://a.example']).status).toBe(2);
  });

  it('takes the ID of a build signed with IT’s own key, and refuses one that cannot be an ID', () => {
    const id = 'abcdefghijklmnopabcdefghijklmnop';
    const r = run([
      '--browser',
      'edge',
      '--server',
      'https://h.example',
      '--install-from',
      'https://h.example/downloads/extension/updates.xml',
      '--extension-id',
      id,
    ]);
    expect(r.status).toBe(0);
    const policy = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(policy).toEqual({
      ExtensionInstallForcelist: [`${id};https://h.example/downloads/extension/updates.xml`],
      ExtensionSettings: { [id]: { override_update_url: true } },
      '3rdparty': { extensions: { [id]: { serverUrl: 'https://h.example' } } },
    });
    expect(
      run(['--browser', 'chrome', '--server', 'https://h.example', '--extension-id', 'zzzz']).status,
    ).toBe(2);
    const ff = run([
      '--browser',
      'firefox',
      '--server',
      'https://h.example',
      '--extension-id',
      'lifeline@it.example',
    ]);
    expect(JSON.parse(ff.stdout)).toEqual({
      policies: { '3rdparty': { Extensions: { 'lifeline@it.example': { serverUrl: 'https://h.example' } } } },
    });
  });
});
