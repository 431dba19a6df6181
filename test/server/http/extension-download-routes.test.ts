/**
 * /downloads/extension/: the packages `npm run build` makes, as IT's browsers fetch them. The
 * packages here come from the real packager (packaging/extension/package-extension.ts) over two
 * small extension folders, signed with a key made for the test, so the server's Origin allowlist
 * must follow that key's ID (IT's own key) and the update manifests must name it.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCrx3 } from '../../../packaging/extension/crx3';
import { packageExtension } from '../../../packaging/extension/package-extension';
import { loadSigningKey, type SigningKey } from '../../../packaging/extension/signing-key';
import { GUPDATE_NAMESPACE } from '../../../server/downloads/update-manifests';
import { startTestServer, type TestServer } from '../../support/test-server';
import { TestWsClient } from '../../support/ws-client';

const FIREFOX_ID = 'lifeline@it.example.com';
let work: string;
let key: SigningKey;
let server: TestServer;

function extensionFolder(name: string, manifest: Record<string, unknown>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 't', version: '1.4.2', ...manifest }),
  );
  writeFileSync(join(dir, 'background.js'), '// ' + name);
  return dir;
}

/** A GET with a Host header of our choosing (fetch does not let a test set Host). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lifeline-ext-dl-'));
  const keyFile = join(work, 'it-key.pem');
  writeFileSync(
    keyFile,
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );
  key = loadSigningKey(keyFile);
  const downloadsDir = join(work, 'downloads');
  packageExtension({
    chromeDir: extensionFolder('chrome', { key: key.manifestKey }),
    firefoxDir: extensionFolder('firefox', { browser_specific_settings: { gecko: { id: FIREFOX_ID } } }),
    outDir: join(downloadsDir, 'extension'),
    key,
    env: { LIFELINE_FIREFOX_EXTENSION_ID: FIREFOX_ID },
  });
  server = await startTestServer({ downloadsDir });
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('extension downloads', () => {
  it('serves the .crx, which verifies under IT’s key’s ID', async () => {
    const res = await fetch(`${server.url}/downloads/extension/lifeline-agent.crx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-chrome-extension');
    const crx = Buffer.from(await res.arrayBuffer());
    expect(verifyCrx3(crx).extensionId).toBe(key.extensionId);
  });

  it('serves a gupdate manifest naming that ID, the version and the package on this server', async () => {
    const res = await fetch(`${server.url}/downloads/extension/updates.xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await res.text();
    expect(xml).toContain(`<gupdate xmlns="${GUPDATE_NAMESPACE}" protocol="2.0">`);
    const check =
      /<app appid="([a-p]{32})">\s*<updatecheck codebase="([^"]+)" version="([^"]+)" hash_sha256="([0-9a-f]{64})"\/>/.exec(
        xml,
      );
    expect(check?.[1]).toBe(key.extensionId);
    expect(check?.[2]).toBe(`${server.url}/downloads/extension/lifeline-agent.crx`);
    expect(check?.[3]).toBe('1.4.2');
    const crx = Buffer.from(await (await fetch(check![2]!)).arrayBuffer());
    expect(createHash('sha256').update(crx).digest('hex')).toBe(check?.[4]);
  });

  it('serves the .xpi and a Firefox update manifest with its SHA-256', async () => {
    const manifest = (await (await fetch(`${server.url}/downloads/extension/updates.json`)).json()) as {
      addons: Record<string, { updates: { version: string; update_link: string; update_hash: string }[] }>;
    };
    const update = manifest.addons[FIREFOX_ID]?.updates[0];
    expect(update?.version).toBe('1.4.2');
    expect(update?.update_link).toBe(`${server.url}/downloads/extension/lifeline-agent.xpi`);
    const res = await fetch(update!.update_link);
    expect(res.headers.get('content-type')).toBe('application/x-xpinstall');
    const xpi = Buffer.from(await res.arrayBuffer());
    expect(`sha256:${createHash('sha256').update(xpi).digest('hex')}`).toBe(update?.update_hash);
  });

  it('lets the packaged extension’s ID open WebSockets, and still refuses others', async () => {
    const c = await TestWsClient.connect(server.wsUrl, `chrome-extension://${key.extensionId}`);
    c.close();
    await expect(
      TestWsClient.connect(server.wsUrl, 'chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh'),
    ).rejects.toThrow(/403/);
  });

  it('never writes a hostile Host into a manifest; unknown names are 404', async () => {
    const bad = await getWithHost(`${server.url}/downloads/extension/updates.xml`, 'evil.example"><x a="');
    expect(bad.status).toBe(400);
    expect(bad.body).not.toContain('evil');
    expect((await fetch(`${server.url}/downloads/extension/secret.pem`)).status).toBe(404);
    expect((await fetch(`${server.url}/downloads/extension/..%2fextension.json`)).status).toBe(404);
  });

  it('says the packages are not built on a server without them', async () => {
    const bare = await startTestServer({ downloadsDir: join(work, 'empty') });
    try {
      const res = await fetch(`${bare.url}/downloads/extension/updates.xml`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/npm run build/);
    } finally {
      await bare.stop();
    }
  });
});
