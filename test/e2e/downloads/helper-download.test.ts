/**
 * The standalone helper download as a customer without the extension gets it today: fetched from
 * the server, unpacked, and run. Needs the helper bundle (npm run build makes it; npm test builds
 * before the e2e suites). The one-click flow around it (ticket, windows): test/e2e/helper/
 * one-click.test.ts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JS build script without type declarations
import { packageHelper } from '../../../scripts/package-helper.mjs';
import { HELPER_PACKAGE_SPECS } from '../../../server/downloads/helper-systems';
import { startTestServer, type TestServer } from '../../support/test-server';

let server: TestServer;
let work: string;

beforeAll(async () => {
  if (!existsSync('dist/host/lifeline-helper.mjs'))
    throw new Error('run `npm run build` first (helper bundle missing)');
  work = mkdtempSync(join(tmpdir(), 'lifeline-download-'));
  const downloadsDir = join(work, 'downloads');
  (packageHelper as (o: { stage: string }) => unknown)({
    stage: join(downloadsDir, HELPER_PACKAGE_SPECS.linux!.dir),
  });
  server = await startTestServer({ downloadsDir });
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('helper download', () => {
  it('serves the Linux helper, which unpacks and runs with its native JPEG addon', async () => {
    const res = await fetch(`${server.url}/downloads/helper/linux`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(HELPER_PACKAGE_SPECS.linux!.fileName);
    const archive = join(work, 'got.tar.gz');
    writeFileSync(archive, Buffer.from(await res.arrayBuffer()));
    const out = join(work, 'unpacked');
    rmSync(out, { recursive: true, force: true });
    expect(spawnSync('mkdir', ['-p', out]).status).toBe(0);
    expect(spawnSync('tar', ['-xzf', archive, '-C', out]).status).toBe(0);
    const launcher = join(out, ...HELPER_PACKAGE_SPECS.linux!.executable.split('/'));

    const version = spawnSync(launcher, ['--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);

    // The addon resolves from the unpacked folder (not from this checkout's node_modules).
    const addon = spawnSync(
      'node',
      [
        '-e',
        "const j = require('@julusian/jpeg-turbo'); process.stdout.write(String(j.bufferSize({ width: 8, height: 8, subsampling: j.SAMP_420 }) > 0))",
      ],
      { cwd: join(out, 'lifeline-helper'), encoding: 'utf8' },
    );
    expect(addon.stderr).toBe('');
    expect(addon.stdout).toBe('true');

    // A wrong join code reaches the real server (which runs in this process: spawn asynchronously)
    // and is refused in words.
    const join1 = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        launcher,
        ['join', '123456789', '--server', server.url],
        {
          encoding: 'utf8',
          timeout: 30_000,
          env: { ...process.env, DISPLAY: '' },
        },
        (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(join1.code).not.toBe(0);
    expect(join1.stderr).toMatch(/code/i);
  });

  it('tells macOS customers in words that the helper does not run there yet', async () => {
    const res = await fetch(`${server.url}/downloads/helper/macos`);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/not available for macOS yet/);
  });

  it('tells the operator which command builds the Windows helper when it is not built', async () => {
    // This server's downloads folder holds only the Linux helper (the .exe is served in test/e2e/windows/).
    const res = await fetch(`${server.url}/downloads/helper/windows`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('node scripts/build-sea.mjs --target win-x64');
  });
});
