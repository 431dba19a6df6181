/**
 * The helper joins through a real HTTP proxy (Debian's tinyproxy, started here): ws and wss
 * tunnelled with CONNECT (wss with end-to-end TLS to a server whose self-signed certificate the
 * helper checks), NO_PROXY going direct, Basic credentials, and the failures a customer meets
 * (credentials refused, proxy down, a proxy it cannot speak) told in their words.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../protocol/errors';
import { errorFacts, errorText } from '../../../host/i18n/error-text';
import { HelperText } from '../../../host/i18n/helper-text';
import type { NetworkOptions } from '../../../host/net/server-agent';
import { HeldAnnotations } from '../../../host/session/annotation-surface';
import { SessionClient } from '../../../host/session/session-client';
import { selfSignedCert } from '../../support/self-signed-cert';
import { startTestServer, type TestServer } from '../../support/test-server';
import { startTinyproxy, type Tinyproxy } from '../../support/tinyproxy';
import { addAgent, addPortal, closeAll, screenRequested, type ConnectedAgent } from '../../support/workflow';
import { fakePlatform } from '../session/fake-platform';

let tmp: string;
let plain: TestServer;
/** A TLS front for `plain` (self-signed, 127.0.0.1): what a server behind https looks like. */
let secure: { url: string; port: number; close(): void };
let proxy: Tinyproxy;
let guarded: Tinyproxy;
let ca: string;
const agents: ConnectedAgent[] = [];
const clients: SessionClient[] = [];

function client(network: NetworkOptions): SessionClient {
  const c = new SessionClient({
    version: '0.1.0',
    system: { platform: 'linux', release: '6.1.0', arch: 'x64', env: { DISPLAY: ':99' } },
    platform: async () => fakePlatform(),
    stateFile: path.join(tmp, `state-${clients.length}`, 'resume.json'),
    log: () => undefined,
    annotations: new HeldAnnotations(),
    network,
  });
  clients.push(c);
  return c;
}

async function request(server: TestServer) {
  const slug = `proxy${agents.length}`;
  await addPortal(server, slug);
  const agent = await addAgent(server, { portals: [slug] });
  agents.push(agent);
  return screenRequested(server, agent, slug);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-proxy-test-'));
  const { certFile, keyFile } = selfSignedCert(tmp);
  ca = readFileSync(certFile, 'utf8');
  plain = await startTestServer();
  const front = tls.createServer({ cert: ca, key: readFileSync(keyFile) }, (inside) => {
    const back = net.connect(plain.port, '127.0.0.1');
    inside.pipe(back).pipe(inside);
    const end = () => (inside.destroy(), back.destroy());
    inside.on('error', end);
    back.on('error', end);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const frontPort = (front.address() as net.AddressInfo).port;
  secure = { url: `https://127.0.0.1:${frontPort}`, port: frontPort, close: () => front.close() };
  proxy = await startTinyproxy();
  guarded = await startTinyproxy({ user: 'ann', password: 'pa55' });
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await closeAll(...agents.map((a) => a.client));
  secure?.close();
  await plain?.stop();
  await proxy?.stop();
  await guarded?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the helper behind a proxy', () => {
  it('joins a ws server through HTTP_PROXY with a CONNECT tunnel', async () => {
    const s = await request(plain);
    const before = proxy.connects().length;
    const joined = await client({ env: { HTTP_PROXY: proxy.url } }).join({
      server: plain.url,
      joinCode: s.joinCode,
    });
    expect(joined.state).toBe('waiting_consent');
    expect(proxy.connects().slice(before)).toEqual([`127.0.0.1:${plain.port}`]);
    await closeAll(s.client);
  });

  it('joins a wss server through HTTPS_PROXY: TLS to the server inside the tunnel, its certificate checked', async () => {
    const s = await request(plain);
    const before = proxy.connects().length;
    const joined = await client({ env: { HTTPS_PROXY: proxy.url }, tls: { ca } }).joinWithTicket({
      server: secure.url,
      ticket: s.ticket,
    });
    expect(joined.state).toBe('waiting_consent');
    expect(proxy.connects().slice(before)).toEqual([`127.0.0.1:${secure.port}`]);
    // Without the server's CA the tunnel opens but TLS refuses the self-signed certificate.
    const s2 = await request(plain);
    const refused = await client({ env: { HTTPS_PROXY: proxy.url } })
      .join({ server: secure.url, joinCode: s2.joinCode })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProtocolError);
    expect((refused as ProtocolError).message).toMatch(/self.signed|certificate/i);
    await closeAll(s.client, s2.client);
  });

  it('goes direct for a server in NO_PROXY', async () => {
    const s = await request(plain);
    const before = proxy.connects().length;
    await client({ env: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } }).join({
      server: plain.url,
      joinCode: s.joinCode,
    });
    expect(proxy.connects().length).toBe(before);
    await closeAll(s.client);
  });

  it('sends Basic credentials from the proxy address; without them, says the proxy refused', async () => {
    const s = await request(plain);
    const withCreds = `http://ann:pa55@127.0.0.1:${guarded.port}`;
    expect(
      (await client({ env: { HTTP_PROXY: withCreds } }).join({ server: plain.url, joinCode: s.joinCode }))
        .state,
    ).toBe('waiting_consent');
    const s2 = await request(plain);
    const err = (await client({ env: { HTTP_PROXY: guarded.url } })
      .join({ server: plain.url, joinCode: s2.joinCode })
      .catch((e: unknown) => e)) as ProtocolError;
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain(`the proxy ${guarded.url} refused the tunnel`);
    expect(err.message).toContain('407');
    expect(errorText(new HelperText('fr'), err.code, errorFacts(err, { server: plain.url }))).toBe(
      `Impossible de joindre ${plain.url} par le proxy ${guarded.url}. Vérifiez les réglages de proxy de cet ordinateur, puis réessayez.`,
    );
    await closeAll(s.client, s2.client);
  });

  it('says so when the proxy is down, or cannot be spoken', async () => {
    const down = (await client({ env: { HTTP_PROXY: 'http://127.0.0.1:9' } })
      .join({ server: plain.url, joinCode: '123456789' })
      .catch((e: unknown) => e)) as ProtocolError;
    expect(down.message).toContain('could not reach the proxy http://127.0.0.1:9');
    const socks = (await client({ env: { HTTP_PROXY: 'socks5://127.0.0.1:1080' } })
      .join({ server: plain.url, joinCode: '123456789' })
      .catch((e: unknown) => e)) as ProtocolError;
    expect(errorText(new HelperText('en'), socks.code, errorFacts(socks, {}))).toBe(
      "This computer's proxy settings cannot be used (HTTP_PROXY names a socks5 proxy; only http:// proxies are supported). Fix them, then try again.",
    );
  });
});
