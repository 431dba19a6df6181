/**
 * Finding: no Strict-Transport-Security when the server speaks TLS itself, so a browser that
 * once typed http:// could be downgraded. Guarded by server/http/security-headers.ts (HSTS on
 * every response over TLS, one year); a plain-http server sends none (browsers ignore it there).
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HSTS_MAX_AGE_S } from '../../server/http/security-headers';
import { selfSignedCert } from '../support/self-signed-cert';
import { makeDataDir, startTestServer, type TestServer } from '../support/test-server';

let tls: TestServer;
let plain: TestServer;

beforeAll(async () => {
  const dir = makeDataDir();
  tls = await startTestServer({ dataDir: dir, tls: selfSignedCert(dir) });
  plain = await startTestServer();
});
afterAll(async () => {
  await tls.stop();
  await plain.stop();
});

function headersOf(url: string): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.headers);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Strict-Transport-Security', () => {
  it('is sent on every response over TLS, pages and API alike', async () => {
    for (const path of ['/api/v1/status', '/support/anything', '/nope']) {
      expect((await headersOf(`${tls.url}${path}`))['strict-transport-security']).toBe(
        `max-age=${HSTS_MAX_AGE_S}`,
      );
    }
  });

  it('is not sent over plain http', async () => {
    const res = await fetch(`${plain.url}/api/v1/status`);
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});
