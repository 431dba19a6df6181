// The helper download as a customer's browser fetches it: a tar.xz that GNU tar and libarchive
// (what file managers extract with) both unpack, the executable bit kept, the executable's bytes
// unchanged and followed by the trailer that binds it to the request; and pages in the customer's
// language instead of a file when the link is unknown, expired or for a system without a helper.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeTrailerPayload,
  TRAILER_FOOTER_BYTES,
  trailerPayloadLength,
} from '../../../protocol/download-trailer';
import { HELPER_PACKAGE_SPECS } from '../../../server/downloads/helper-systems';
import { acceptsGzip } from '../../../server/http/routes/download-routes';
import { until } from '../../support/polling';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  addAgent,
  addPortal,
  closeAll,
  resultOf,
  screenRequested,
  seen,
  unique,
} from '../../support/workflow';

let server: TestServer;
let work: string;
let slug: string;
const spec = HELPER_PACKAGE_SPECS.linux!;
const winSpec = HELPER_PACKAGE_SPECS.windows!;
/** A stand-in Windows executable (the real one is checked under Wine in test/e2e/windows/). */
const winExecutable = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(70_000, 0x90)]);
/** A stand-in helper: big enough to span many gzip blocks, with bytes that do not compress away. */
const executable = Buffer.concat([
  Buffer.from('#!/bin/sh\necho helper\nexit 0\n'),
  Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24)),
]);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lifeline-dl-'));
  const root = join(work, 'downloads', spec.dir);
  const exe = join(root, ...spec.executable.split('/'));
  mkdirSync(join(exe, '..'), { recursive: true });
  writeFileSync(exe, executable);
  chmodSync(exe, 0o755);
  // Any other file of the folder goes into the archive too (packs with more than the executable).
  mkdirSync(join(root, 'lib'), { recursive: true });
  writeFileSync(join(root, 'lib', 'notes.txt'), 'a library the helper needs\n');
  const winExe = join(work, 'downloads', winSpec.dir, winSpec.executable);
  mkdirSync(join(winExe, '..'), { recursive: true });
  writeFileSync(winExe, winExecutable);
  server = await startTestServer({ downloadsDir: join(work, 'downloads') });
  slug = unique('dl').toLowerCase();
  await addPortal(server, slug);
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A GET whose body is read as it came over the wire (fetch would undo a Content-Encoding). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The trailer's length (payload + footer) in a gzip body's decoded bytes. */
function trailerBytes(gz: Buffer): number {
  const decoded = gunzipSync(gz);
  return decoded.length - winExecutable.length;
}

/** The page's text with HTML character references decoded. */
async function pageText(res: Response): Promise<string> {
  return (await res.text()).replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

function unpack(archive: string, tool: 'tar' | 'bsdtar'): string {
  const out = mkdtempSync(join(work, `${tool}-`));
  // No -z or -J: each tool finds the compression from the bytes, as a file manager does.
  const r = spawnSync(tool, ['-xf', archive, '-C', out], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return out;
}

function trailerOf(file: Buffer) {
  const length = trailerPayloadLength(file.subarray(file.length - TRAILER_FOOTER_BYTES));
  expect(length).not.toBeNull();
  const start = file.length - TRAILER_FOOTER_BYTES - length!;
  return {
    prefix: file.subarray(0, start),
    trailer: decodeTrailerPayload(file.subarray(start, start + length!)),
  };
}

describe('the helper download', () => {
  it('bound to the request: unpacks with GNU tar and libarchive, executable, carrying the ticket', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug, { language: 'fr' });
    // The server did not start compressing at start-up (the build does; else the first download):
    // a minute of both cores per server, which every test server of a checkout would pay.
    const cache = join(work, 'downloads', '.cache');
    const linuxCache = () =>
      (existsSync(cache) ? readdirSync(cache) : []).filter((f) => f.startsWith(spec.dir));
    expect(linuxCache()).toEqual([]);
    const res = await fetch(`${server.url}/downloads/helper/linux/${s.ticket}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-xz');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${spec.fileName}"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(Number(res.headers.get('content-length')));
    const archive = join(work, 'bound.tar.xz');
    writeFileSync(archive, body);
    for (const tool of ['tar', 'bsdtar'] as const) {
      const out = unpack(archive, tool);
      const exe = join(out, ...spec.executable.split('/'));
      expect(statSync(exe).mode & 0o777).toBe(0o755);
      const { prefix, trailer } = trailerOf(readFileSync(exe));
      expect(prefix.equals(executable)).toBe(true);
      expect(trailer).toEqual({ server: server.url, ticket: s.ticket, language: 'fr' });
      expect(readFileSync(join(out, 'lib', 'notes.txt'), 'utf8')).toBe('a library the helper needs\n');
      // The unpacked file runs (the trailer after `exit` is never read by the shell).
      expect(spawnSync(exe, [], { encoding: 'utf8' }).stdout).toBe('helper\n');
    }
    // The agent hears that the customer is downloading.
    expect(await seen(agent.client, (m) => m.type === 'helper.downloaded')).toEqual({
      type: 'helper.downloaded',
      sessionId: s.sessionId,
      system: 'linux',
    });
    // Every stream of the file checks out with xz itself (CRC-32 of each block, index, footer).
    expect(spawnSync('xz', ['--test', archive]).status).toBe(0);
    // The executable was compressed once, into the cache, and the file is smaller than what it holds.
    expect(linuxCache().filter((f) => f.endsWith('.xz'))).toHaveLength(1);
    expect(body.length).toBeLessThan(executable.length);
    await closeAll(agent.client, s.client);
  });

  it('Windows: the .exe itself, its bytes unchanged, followed by the trailer binding it to the request', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug, { language: 'fr' });
    const res = await fetch(`${server.url}/downloads/helper/windows/${s.ticket}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.microsoft.portable-executable');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="lifeline-helper.exe"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { prefix, trailer } = trailerOf(Buffer.from(await res.arrayBuffer()));
    expect(prefix.equals(winExecutable)).toBe(true);
    expect(trailer).toEqual({ server: server.url, ticket: s.ticket, language: 'fr' });
    expect(await seen(agent.client, (m) => m.type === 'helper.downloaded')).toEqual({
      type: 'helper.downloaded',
      sessionId: s.sessionId,
      system: 'windows',
    });
    await closeAll(agent.client, s.client);
  });

  it('Windows over the wire: gzip-encoded for a client that accepts it, the same bytes once decoded', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug, { language: 'fr' });
    const url = `${server.url}/downloads/helper/windows/${s.ticket}`;
    // The compressed copy is made in the background after start-up: plain bytes until then.
    const wire = await until('the gzip-encoded download', async () => {
      const got = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br' });
      return got.headers['content-encoding'] === 'gzip' ? got : undefined;
    });
    expect(wire.status).toBe(200);
    expect(wire.headers.vary).toBe('Accept-Encoding');
    expect(Number(wire.headers['content-length'])).toBe(wire.body.length);
    expect(wire.body.length).toBeLessThan(winExecutable.length / 10);
    // One gzip member, which every decoder reads whole: the .exe, then the trailer.
    const { prefix, trailer } = trailerOf(gunzipSync(wire.body));
    expect(prefix.equals(winExecutable)).toBe(true);
    expect(trailer).toEqual({ server: server.url, ticket: s.ticket, language: 'fr' });
    expect(wire.body.readUInt32LE(wire.body.length - 4)).toBe(winExecutable.length + trailerBytes(wire.body));

    // gzip refused (q=0) or not offered: the plain bytes.
    for (const accept of ['gzip;q=0, deflate', 'identity', '']) {
      const plain = await rawGet(url, accept ? { 'accept-encoding': accept } : {});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(trailerOf(plain.body).prefix.equals(winExecutable)).toBe(true);
    }
    await closeAll(agent.client, s.client);
  });

  it('reads Accept-Encoding as HTTP says', () => {
    expect(acceptsGzip('gzip, deflate, br, zstd')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('*;q=0.1, br')).toBe(true);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('deflate, br')).toBe(false);
    expect(acceptsGzip('gzip;q=abc')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it('not bound: knows the server only', async () => {
    const res = await fetch(`${server.url}/downloads/helper/linux`);
    expect(res.status).toBe(200);
    const archive = join(work, 'plain.tar.xz');
    writeFileSync(archive, Buffer.from(await res.arrayBuffer()));
    const out = unpack(archive, 'bsdtar');
    const { trailer } = trailerOf(readFileSync(join(out, ...spec.executable.split('/'))));
    expect(trailer).toEqual({ server: server.url });
  });

  it('says in the session language that a link expired, and never sends the file', async () => {
    const agent = await addAgent(server, { portals: [slug] });
    const s = await screenRequested(server, agent, slug, { language: 'fr' });
    resultOf(await s.client.request({ type: 'session.end' }));
    const res = await fetch(`${server.url}/downloads/helper/linux/${s.ticket}`, {
      headers: { 'accept-language': 'en' },
    });
    expect(res.status).toBe(410);
    const html = await pageText(res);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Ce lien de téléchargement a expiré');
    await closeAll(agent.client, s.client);
  });

  it('answers an unknown link and a system without a helper in the browser language', async () => {
    const unknown = await fetch(`${server.url}/downloads/helper/linux/${'A'.repeat(43)}`, {
      headers: { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' },
    });
    expect(unknown.status).toBe(404);
    expect(await pageText(unknown)).toContain("Ce lien de téléchargement n'est pas valable");
    const mac = await fetch(`${server.url}/downloads/helper/macos`, {
      headers: { 'accept-language': 'en-GB' },
    });
    expect(mac.status).toBe(404);
    const text = await pageText(mac);
    expect(text).toContain('The Lifeline helper is not available for macOS yet');
    expect(text).toContain('from the browser itself');
    const bad = await fetch(`${server.url}/downloads/helper/linux/%3Cscript%3E`);
    expect(bad.status).toBe(404);
    expect(await bad.text()).not.toContain('<script>');
  });

  it('says the helper is not built rather than failing', async () => {
    const empty = await startTestServer({ downloadsDir: join(work, 'nothing-here') });
    try {
      const res = await fetch(`${empty.url}/downloads/helper/linux`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('node scripts/build-sea.mjs --target linux-x64');
      const win = await fetch(`${empty.url}/downloads/helper/windows`);
      expect(win.status).toBe(503);
      expect(await win.text()).toContain('node scripts/build-sea.mjs --target win-x64');
      expect(existsSync(join(work, 'nothing-here'))).toBe(false);
    } finally {
      await empty.stop();
    }
  });
});
