/**
 * A helper bundled with the IDs of an extension signed with IT's own key trusts that extension:
 * its manifests allow it, its policy templates name it, and a browser launch naming it is taken as
 * native messaging from our extension. Bundled as `npm run build` bundles it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JS build script without type declarations
import { bundleHost } from '../../../scripts/bundle-host.mjs';
import { CHROME_EXTENSION_ID } from '../../../protocol/extension-ids';
import { REPO_ROOT } from '../native/helper-bundle';

const IT_IDS = { chrome: 'abcdefghijklmnopabcdefghijklmnop', firefox: 'lifeline@it.example' };
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(REPO_ROOT, 'dist', '.test-identity-'));
  bundle = join(dir, 'lifeline-helper.mjs');
  await (bundleHost as (o: { outfile: string; extensionIds: typeof IT_IDS }) => Promise<unknown>)({
    outfile: bundle,
    extensionIds: IT_IDS,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a helper built for IT’s own extension IDs', () => {
  it('writes policies for those IDs', () => {
    const r = spawnSync(
      process.execPath,
      [bundle, 'policy', '--browser', 'chrome', '--server', 'https://h.example'],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(r.stdout)).toEqual({
      '3rdparty': { extensions: { [IT_IDS.chrome]: { serverUrl: 'https://h.example' } } },
    });
  });

  it('answers native messaging from that extension and refuses the repository’s ID', () => {
    const ours = spawnSync(process.execPath, [bundle, `chrome-extension://${IT_IDS.chrome}/`], {
      input: '',
      encoding: 'utf8',
    });
    expect(ours.status).toBe(0);
    const other = spawnSync(process.execPath, [bundle, `chrome-extension://${CHROME_EXTENSION_ID}/`], {
      input: '',
      encoding: 'utf8',
    });
    expect(other.status).not.toBe(0);
    expect(other.stderr).toContain(CHROME_EXTENSION_ID);
  });
});
