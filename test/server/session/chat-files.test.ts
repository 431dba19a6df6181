/**
 * Files through the chat, against a real server (SQLite, real HTTP and WebSockets): the whole
 * turn both ways, and the attacks: an oversized offer or body, bytes that do not match the
 * offer's SHA-256, someone outside the session fetching or sending, names that are paths or
 * carry header characters, too many pending offers, a full disk, chunks out of order.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_FILES_PENDING_MAX } from '../../../protocol/chat-file';
import { CHAT_FILE_DISK_RESERVE_BYTES, CHAT_FILES_DIR } from '../../../server/session/chat-files';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  acceptedSession,
  addAgent,
  addPortal,
  closeAll,
  resultOf,
  seen,
  unique,
  type ConnectedAgent,
  type ConnectedCustomer,
} from '../../support/workflow';

const MAX_BYTES = 3 * 1024 * 1024;
let server: TestServer;
let slug: string;
/** What the fake statfs says is free on the data folder's disk. */
let free = Number.MAX_SAFE_INTEGER;

beforeAll(async () => {
  server = await startTestServer(
    { chatFileMaxBytes: MAX_BYTES },
    { workflow: { chatFiles: { freeBytes: async () => free } } },
  );
  slug = unique('files').toLowerCase();
  await addPortal(server, slug);
});
afterAll(() => server.stop());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface FileView {
  id: string;
  state: string;
  received: number;
  reason?: string;
  error?: string;
}

async function pair(): Promise<{ agent: ConnectedAgent; customer: ConnectedCustomer }> {
  const agent = await addAgent(server, { portals: [slug] });
  const customer = await acceptedSession(server, agent, slug, { name: 'Hana' });
  return { agent, customer };
}

async function customerOffers(customer: ConnectedCustomer, name: string, bytes: Buffer) {
  return customer.client.request({ type: 'chat.file_offer', name, size: bytes.length, sha256: sha(bytes) });
}

function put(token: string, id: string, body: Buffer, offset = 0, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/v1/chat-files/${id}?offset=${offset}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, ...headers },
    body: new Uint8Array(body),
  });
}

function get(token: string | null, id: string) {
  return fetch(`${server.url}/api/v1/chat-files/${id}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

function filesOnDisk(sessionId: string): string[] {
  const dir = join(server.dataDir, CHAT_FILES_DIR, sessionId);
  return existsSync(dir) ? readdirSync(dir) : [];
}

const fileState = (agent: ConnectedAgent, id: string, state: string) =>
  seen(
    agent.client,
    (m) => m.type === 'chat.file' && (m.file as FileView).id === id && (m.file as FileView).state === state,
    `chat.file ${state}`,
  );

describe('files through the chat', () => {
  it('customer offers, agent accepts, bytes arrive in chunks and leave equal; the transcript, audit and reports show it; the session end deletes it', async () => {
    const { agent, customer } = await pair();
    const bytes = randomBytes(MAX_BYTES - 5);
    const offer = resultOf<{ file: FileView }>(await customerOffers(customer, 'report é.pdf', bytes)).file;
    expect(offer).toMatchObject({ state: 'offered', from: 'customer', received: 0, size: bytes.length });
    const line = await seen(
      agent.client,
      (m) => m.type === 'chat.message' && Boolean((m.line as { file?: unknown }).file),
    );
    expect(line.line).toMatchObject({ text: 'report é.pdf', file: { id: offer.id, sha256: sha(bytes) } });
    await fileState(agent, offer.id, 'offered');

    // Nothing moves before the agent says yes.
    expect((await put(customer.requestToken, offer.id, bytes.subarray(0, 10))).status).toBe(409);

    const answered = await agent.client.request({
      type: 'chat.file_answer',
      sessionId: customer.sessionId,
      fileId: offer.id,
      accept: true,
    });
    expect(resultOf<{ file: FileView }>(answered).file.state).toBe('accepted');
    await seen(customer.client, (m) => m.type === 'chat.file' && (m.file as FileView).state === 'accepted');

    const half = 2 * 1024 * 1024;
    // A chunk that does not start where the last ended is refused.
    expect(await codeOf(await put(customer.requestToken, offer.id, bytes.subarray(half), half))).toBe(
      'bad_request',
    );
    const first = await put(customer.requestToken, offer.id, bytes.subarray(0, half));
    expect(first.status).toBe(200);
    expect(((await first.json()) as { file: FileView }).file).toMatchObject({
      state: 'accepted',
      received: half,
    });
    const last = await put(customer.requestToken, offer.id, bytes.subarray(half), half);
    expect(((await last.json()) as { file: FileView }).file.state).toBe('ready');
    await fileState(agent, offer.id, 'ready');
    expect(filesOnDisk(customer.sessionId)).toEqual([offer.id]);

    // Only the receiver downloads: the customer (its sender) may not.
    expect(await codeOf(await get(customer.requestToken, offer.id))).toBe('not_in_session');
    const res = await get(agent.token, offer.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="report _.pdf"; filename*=UTF-8''report%20%C3%A9.pdf`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    await seen(customer.client, (m) => m.type === 'chat.file' && (m.file as FileView).state === 'delivered');

    const lines = await server.store.transcripts.lines(customer.sessionId);
    expect(lines.find((l) => l.file)?.file).toEqual({
      id: offer.id,
      name: 'report é.pdf',
      size: bytes.length,
      sha256: sha(bytes),
    });
    const audit = (await server.store.audit.recent(200)).filter((e) => e.target === customer.sessionId);
    const fileActions = audit.map((e) => e.action).filter((a) => a.startsWith('chat_file.'));
    expect(fileActions.sort()).toEqual(
      ['chat_file.offered', 'chat_file.accepted', 'chat_file.stored', 'chat_file.delivered'].sort(),
    );
    expect(audit.find((e) => e.action === 'chat_file.stored')?.details).toMatchObject({
      name: 'report é.pdf',
      size: bytes.length,
      sha256: sha(bytes),
    });
    const reported = await server.store.manage.history.filesOf([customer.sessionId]);
    expect(reported.get(customer.sessionId)).toEqual([
      expect.objectContaining({ direction: 'from_customer', name: 'report é.pdf', sha256: sha(bytes) }),
    ]);

    await agent.client.request({ type: 'session.end', sessionId: customer.sessionId });
    await seen(customer.client, (m) => m.type === 'session.ended');
    await expect.poll(() => filesOnDisk(customer.sessionId)).toEqual([]);
    expect(existsSync(join(server.dataDir, CHAT_FILES_DIR, customer.sessionId))).toBe(false);
    expect(await codeOf(await get(agent.token, offer.id))).toBe('not_found');
    await closeAll(agent.client, customer.client);
  });

  it('agent sends, the customer downloads the same bytes', async () => {
    const { agent, customer } = await pair();
    const bytes = randomBytes(70_000);
    const sent = resultOf<{ file: FileView }>(
      await agent.client.request({
        type: 'chat.file_offer',
        sessionId: customer.sessionId,
        name: 'fix.reg',
        size: bytes.length,
        sha256: sha(bytes),
      }),
    ).file;
    expect(sent.state).toBe('accepted');
    await seen(customer.client, (m) => m.type === 'chat.file' && (m.file as FileView).id === sent.id);
    // The customer cannot push bytes into the agent's file.
    expect(await codeOf(await put(customer.requestToken, sent.id, bytes))).toBe('not_in_session');
    expect((await put(agent.token, sent.id, bytes)).status).toBe(200);
    const res = await get(customer.requestToken, sent.id);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    await fileState(agent, sent.id, 'delivered');
    await closeAll(agent.client, customer.client);
  });

  it('declined: the customer reads the reason, and no byte is taken', async () => {
    const { agent, customer } = await pair();
    const bytes = randomBytes(1000);
    const offer = resultOf<{ file: FileView }>(await customerOffers(customer, 'setup.exe', bytes)).file;
    await agent.client.request({
      type: 'chat.file_answer',
      sessionId: customer.sessionId,
      fileId: offer.id,
      accept: false,
      reason: 'We do not take programs; send a screenshot instead.',
    });
    const declined = await seen(
      customer.client,
      (m) => m.type === 'chat.file' && (m.file as FileView).state === 'declined',
    );
    expect((declined.file as FileView).reason).toBe('We do not take programs; send a screenshot instead.');
    expect(await codeOf(await put(customer.requestToken, offer.id, bytes))).toBe('illegal_transition');
    expect(filesOnDisk(customer.sessionId)).toEqual([]);
    await closeAll(agent.client, customer.client);
  });

  it('refuses an oversized offer before storing anything, and a body longer than its offer', async () => {
    const { agent, customer } = await pair();
    const big = await customer.client.request({
      type: 'chat.file_offer',
      name: 'huge.iso',
      size: MAX_BYTES + 1,
      sha256: 'a'.repeat(64),
    });
    expect(big).toMatchObject({ type: 'error', code: 'file_too_large', details: { max: MAX_BYTES } });
    // A size no integer can hold exactly is refused by the schema.
    expect(
      await customer.client.request({
        type: 'chat.file_offer',
        name: 'x',
        size: 2 ** 60,
        sha256: 'a'.repeat(64),
      }),
    ).toMatchObject({ type: 'error', code: 'invalid_message' });

    const bytes = randomBytes(100);
    const offer = resultOf<{ file: FileView }>(await customerOffers(customer, 'small.txt', bytes)).file;
    await agent.client.request({
      type: 'chat.file_answer',
      sessionId: customer.sessionId,
      fileId: offer.id,
      accept: true,
    });
    const longer = Buffer.concat([bytes, Buffer.from('more')]);
    const res = await put(customer.requestToken, offer.id, longer);
    expect(res.status).toBe(413);
    expect(await codeOf(res)).toBe('file_too_large');
    expect(filesOnDisk(customer.sessionId)).toEqual([]);
    await closeAll(agent.client, customer.client);
  });

  it('deletes bytes that do not match the offered SHA-256 and tells both sides', async () => {
    const { agent, customer } = await pair();
    const bytes = randomBytes(5000);
    const offer = resultOf<{ file: FileView }>(await customerOffers(customer, 'notes.txt', bytes)).file;
    await agent.client.request({
      type: 'chat.file_answer',
      sessionId: customer.sessionId,
      fileId: offer.id,
      accept: true,
    });
    const tampered = Buffer.from(bytes);
    tampered[1234] = tampered[1234]! ^ 0xff;
    const res = await put(customer.requestToken, offer.id, tampered);
    expect(res.status).toBe(422);
    expect(await codeOf(res)).toBe('checksum_mismatch');
    const failed = await fileState(agent, offer.id, 'failed');
    expect((failed.file as FileView).error).toBe('checksum_mismatch');
    expect(filesOnDisk(customer.sessionId)).toEqual([]);
    expect(await codeOf(await get(agent.token, offer.id))).toBe('illegal_transition');
    await closeAll(agent.client, customer.client);
  });

  it('keeps the file from anyone outside the session: another customer, another agent, no token', async () => {
    const { agent, customer } = await pair();
    const other = await pair();
    const bytes = randomBytes(300);
    const sent = resultOf<{ file: FileView }>(
      await agent.client.request({
        type: 'chat.file_offer',
        sessionId: customer.sessionId,
        name: 'a.txt',
        size: bytes.length,
        sha256: sha(bytes),
      }),
    ).file;
    expect((await put(agent.token, sent.id, bytes)).status).toBe(200);

    expect(await codeOf(await get(other.customer.requestToken, sent.id))).toBe('not_in_session');
    expect(await codeOf(await get(other.agent.token, sent.id))).toBe('not_in_session');
    expect((await get(null, sent.id)).status).toBe(401);
    expect(await codeOf(await get('not-a-token', sent.id))).toBe('not_authenticated');
    // Ids are 128 random bits; a guessed or malformed one names nothing.
    expect(await codeOf(await get(customer.requestToken, '0'.repeat(32)))).toBe('not_found');
    expect(await codeOf(await get(customer.requestToken, '..%2F..%2Fetc%2Fpasswd'))).toBe('not_found');
    // Another agent may not answer, send into or withdraw files of a session they do not hold.
    expect(
      await other.agent.client.request({
        type: 'chat.file_offer',
        sessionId: customer.sessionId,
        name: 'b.txt',
        size: 1,
        sha256: 'a'.repeat(64),
      }),
    ).toMatchObject({ type: 'error', code: 'not_in_session' });
    expect(await other.customer.client.request({ type: 'chat.file_cancel', fileId: sent.id })).toMatchObject({
      type: 'error',
      code: 'not_found',
    });
    // The right customer still gets it.
    expect((await get(customer.requestToken, sent.id)).status).toBe(200);
    await closeAll(agent.client, customer.client, other.agent.client, other.customer.client);
  });

  it('refuses names that are paths or carry control characters; a name with quotes stays out of the headers and off the disk', async () => {
    const { agent, customer } = await pair();
    for (const name of [
      '../../etc/passwd',
      'dir/file.txt',
      'C:\\Windows\\evil.dll',
      '..',
      'a\r\nSet-Cookie: x=1',
      ' lead',
    ]) {
      const r = await customer.client.request({
        type: 'chat.file_offer',
        name,
        size: 1,
        sha256: 'a'.repeat(64),
      });
      expect(r, name).toMatchObject({ type: 'error', code: 'invalid_message' });
    }
    const bytes = Buffer.from('hello');
    const name = 'q"; filename=evil.exe; x="%41.txt';
    const offer = resultOf<{ file: FileView }>(await customerOffers(customer, name, bytes)).file;
    await agent.client.request({
      type: 'chat.file_answer',
      sessionId: customer.sessionId,
      fileId: offer.id,
      accept: true,
    });
    expect((await put(customer.requestToken, offer.id, bytes)).status).toBe(200);
    const res = await get(agent.token, offer.id);
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toBe(
      `attachment; filename="q_; filename=evil.exe; x=__41.txt"; filename*=UTF-8''q%22%3B%20filename%3Devil.exe%3B%20x%3D%22%2541.txt`,
    );
    expect(filesOnDisk(customer.sessionId)).toEqual([offer.id]);
    await closeAll(agent.client, customer.client);
  });

  it(`allows ${CHAT_FILES_PENDING_MAX} pending offers per session, then refuses until one is answered`, async () => {
    const { agent, customer } = await pair();
    const ids: string[] = [];
    for (let i = 0; i < CHAT_FILES_PENDING_MAX; i++) {
      ids.push(
        resultOf<{ file: FileView }>(await customerOffers(customer, `f${i}.txt`, Buffer.from(`f${i}`))).file
          .id,
      );
    }
    expect(await customerOffers(customer, 'one-more.txt', Buffer.from('x'))).toMatchObject({
      type: 'error',
      code: 'too_many_files',
      details: { max: CHAT_FILES_PENDING_MAX },
    });
    await agent.client.request({
      type: 'chat.file_answer',
      sessionId: customer.sessionId,
      fileId: ids[0],
      accept: false,
    });
    expect((await customerOffers(customer, 'one-more.txt', Buffer.from('x'))).type).toBe('reply');
    await closeAll(agent.client, customer.client);
  });

  it('refuses an offer the data folder has no room for (keeping a reserve), before anything is written', async () => {
    const { agent, customer } = await pair();
    const bytes = randomBytes(2000);
    free = CHAT_FILE_DISK_RESERVE_BYTES + 1000;
    try {
      expect(await customerOffers(customer, 'big.bin', bytes)).toMatchObject({
        type: 'error',
        code: 'no_space',
      });
      free = CHAT_FILE_DISK_RESERVE_BYTES + 3000;
      const offer = resultOf<{ file: FileView }>(await customerOffers(customer, 'big.bin', bytes)).file;
      // Accepted files count against the space until their bytes are in.
      await agent.client.request({
        type: 'chat.file_answer',
        sessionId: customer.sessionId,
        fileId: offer.id,
        accept: true,
      });
      expect(await customerOffers(customer, 'second.bin', bytes)).toMatchObject({
        type: 'error',
        code: 'no_space',
      });
    } finally {
      free = Number.MAX_SAFE_INTEGER;
    }
    await closeAll(agent.client, customer.client);
  });
});
