/**
 * The helper downloads as a customer without the extension gets them, with the real single
 * executables (scripts/build-sea.mjs; built first when stale):
 *   - Linux: the tar.xz holds the one executable, exec bit kept; it runs with NO Node on the PATH,
 *     loads its native JPEG addon from inside itself, and reaches the real server;
 *   - Windows, in Chromium: the .exe crosses the wire gzip-encoded (counted by a proxy between
 *     the browser and the server) and the file Chromium saves is exactly the .exe + the trailer
 *     carrying the ticket. That .exe running under Wine with its ticket: test/e2e/windows/.
 * The one-click flow around it (file-manager start, consent, picture): test/e2e/one-click/.
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShapedLink, type ShapedLink } from '../../../bench/support/shaped-link';
import { readTrailer } from '../../../host/launch/own-trailer';
// @ts-expect-error -- plain JS build script without type declarations
import { ensureSea } from '../../../scripts/build-sea.mjs';
import { HELPER_PACKAGE_SPECS } from '../../../server/downloads/helper-systems';
import { launchChromium } from '../../support/chromium';
import { downloaded } from '../../support/downloads';
import { stageHelperDownload } from '../../support/helper-download-stage';
import { until } from '../../support/polling';
import { startTestServer, type TestServer } from '../../support/test-server';
import { addAgent, addPortal, closeAll, screenRequested, unique } from '../../support/workflow';

const linux = HELPER_PACKAGE_SPECS.linux!;
const windows = HELPER_PACKAGE_SPECS.windows!;
/** A link that does not slow anything down: the proxy is there to count the bytes. */
const COUNTING = { name: 'counting', rateBytesPerSec: 1e10, oneWayDelayMs: 0 };

let server: TestServer;
let work: string;
let linuxExe: string;
let windowsExe: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lifeline-download-'));
  const downloadsDir = join(work, 'downloads');
  linuxExe = await stageHelperDownload(downloadsDir);
  windowsExe = await (ensureSea as (t: string) => Promise<string>)('win-x64');
  mkdirSync(join(downloadsDir, windows.dir));
  symlinkSync(windowsExe, join(downloadsDir, windows.dir, windows.executable));
  server = await startTestServer({ downloadsDir });
}, 240_000);
afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The Content-Encoding a gzip-accepting client gets for `url` (the body is not read). */
function encodingOf(url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      resolve(res.headers['content-encoding']);
      req.destroy();
    });
    req.on('error', reject);
  });
}

describe('helper download', () => {
  it('Linux: one executable in the tar.xz that runs without Node, with its native JPEG addon', async () => {
    const res = await fetch(`${server.url}/downloads/helper/linux`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(linux.fileName);
    const archive = join(work, 'got.tar.xz');
    writeFileSync(archive, Buffer.from(await res.arrayBuffer()));
    const out = mkdtempSync(join(work, 'unpacked-'));
    expect(spawnSync('bsdtar', ['-xf', archive, '-C', out]).status).toBe(0);
    expect(readdirSync(out)).toEqual([linux.executable]);
    const exe = join(out, linux.executable);
    expect(statSync(exe).mode & 0o777).toBe(0o755);
    const bytes = readFileSync(exe);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(bytes.subarray(0, statSync(linuxExe).size).equals(readFileSync(linuxExe))).toBe(true);
    expect(readTrailer(exe)).toEqual({ server: server.url });

    // No Node anywhere on the PATH; a fresh temporary folder to see the addon land in.
    const noNode = mkdtempSync(join(work, 'empty-path-'));
    const temp = mkdtempSync(join(work, 'tmp-'));
    const env = { PATH: noNode, HOME: work, TMPDIR: temp, DISPLAY: '' };
    const version = spawnSync(exe, ['--version'], { encoding: 'utf8', env });
    expect(version.stderr).toBe('');
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // libjpeg-turbo's addon and its library were written out of the executable and loaded
    // (process.dlopen throws, and the helper exits non-zero, when a library does not load).
    const [addonDir] = readdirSync(temp).filter((n) => n.startsWith('lifeline-jpeg-turbo-'));
    expect(addonDir).toBeDefined();
    expect(readdirSync(join(temp, addonDir!)).sort()).toEqual(['libturbojpeg.so.0', 'node-napi-v7.node']);

    // A wrong join code reaches the real server (which runs in this process: spawn asynchronously)
    // and is refused in words.
    const joined = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        exe,
        ['join', '123456789', '--server', server.url],
        { encoding: 'utf8', timeout: 30_000, env },
        (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(joined.code).not.toBe(0);
    expect(joined.stderr).toMatch(/code/i);
  });

  it('Windows in Chromium: gzip on the wire, exactly the .exe and its ticket on disk', async () => {
    const slug = unique('dl').toLowerCase();
    await addPortal(server, slug);
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug, { language: 'fr' });
    // The compressed copy is made in the background after start-up (plain bytes until then).
    await until(
      'the compressed .exe made',
      async () => (await encodingOf(`${server.url}/downloads/helper/windows`)) === 'gzip',
      120_000,
    );

    const link: ShapedLink = await startShapedLink(server.port, COUNTING);
    const browser = await launchChromium({ profilePrefix: 'lifeline-download-' });
    try {
      const downloads = mkdtempSync(join(work, 'chromium-downloads-'));
      const cdp = await browser.browser.target().createCDPSession();
      await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
      const page = await browser.browser.newPage();
      const origin = `http://127.0.0.1:${link.port}`;
      await page.goto(`${origin}/downloads/helper/macos`);
      await page.evaluate((href) => {
        const a = document.createElement('a');
        a.href = href;
        document.body.append(a);
        a.click();
      }, `${origin}/downloads/helper/windows/${s.ticket}`);
      const file = await downloaded(downloads, (n) => n === windows.fileName, 60_000);
      const exeSize = statSync(windowsExe).size;
      const saved = readFileSync(file);
      expect(saved.subarray(0, exeSize).equals(readFileSync(windowsExe))).toBe(true);
      expect(readTrailer(file)).toEqual({ server: origin, ticket: s.ticket, language: 'fr' });
      // What crossed the wire: well under the .exe's size (headers and the macOS page included).
      const wire = await until('the download counted', () => link.stats().fromTarget.bytes || undefined);
      expect(wire).toBeLessThan(exeSize * 0.6);
      expect(saved.length - exeSize).toBeLessThan(200);
    } finally {
      await browser.close();
      await link.close();
      await closeAll(agent.client, s.client);
    }
  });

  it('tells macOS customers in words that the helper does not run there yet', async () => {
    const res = await fetch(`${server.url}/downloads/helper/macos`);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/not available for macOS yet/);
  });
});
