/**
 * Test helpers for the live support workflow: portals, agents signed in through the real
 * services (argon2 and all, ~40 ms per agent), agents, customers, helpers and viewers connected
 * over real WebSockets to a real test server.
 */
import { PROTOCOL_VERSION } from '../../protocol/common';
import { hashPassword } from '../../server/auth/passwords';
import type { UserRecord } from '../../server/store/store';
import type { TestServer } from './test-server';
import { TestWsClient, type TestMessage } from './ws-client';

export const AGENT_PASSWORD = 'lifeline-test-password-1';
export const TEST_ADDRESS = '127.0.0.1';

let counter = 0;
/** A unique suffix per call in this test process (e-mails, names). */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid}x${counter}`;
}

export async function addPortal(server: TestServer, slug: string, name = `Portal ${slug}`): Promise<void> {
  await server.services.accounts.addPortal(slug, name, 'test');
}

export interface SignedInAgent {
  user: UserRecord;
  token: string;
  loginId: string;
  email: string;
  name: string;
}

let sharedHash: Promise<string> | null = null;

/**
 * Creates an active agent serving `portals` and signs them in (no socket yet). The account is
 * made by the account service; its password hash is computed once per test process and shared
 * (an argon2 hash per agent would cost ~50 ms each, and the accept race needs 100 agents). The
 * sign-in itself is the real one: argon2 verify, seat check, token.
 */
export async function signInAgent(
  server: TestServer,
  options: { portals?: string[]; name?: string; role?: 'agent' | 'manager' } = {},
): Promise<SignedInAgent> {
  const id = unique('agent');
  const email = `${id}@example.test`;
  const name = options.name ?? `Agent ${id}`;
  const invited = await server.services.accounts.addUser(
    { email, name, role: options.role ?? 'agent' },
    'test',
  );
  sharedHash ??= hashPassword(AGENT_PASSWORD);
  await server.store.users.update(invited.id, { passwordHash: await sharedHash, state: 'active' });
  const user = { ...invited, passwordHash: await sharedHash, state: 'active' as const };
  for (const slug of options.portals ?? []) await server.services.accounts.assignPortal(slug, email, 'test');
  const login = await server.services.auth.login({ email, password: AGENT_PASSWORD, address: TEST_ADDRESS });
  return { user, token: login.token, loginId: login.loginId, email, name };
}

export interface ConnectedAgent extends SignedInAgent {
  client: TestWsClient;
  welcome: TestMessage;
}

/** Opens the agent channel with the agent's token and waits for the welcome. */
export async function connectAgent(server: TestServer, agent: SignedInAgent): Promise<ConnectedAgent> {
  const client = await TestWsClient.connect(server.wsUrl, server.url);
  client.send({ type: 'agent.hello', token: agent.token, protocol: PROTOCOL_VERSION });
  const welcome = await client.waitFor(
    (m) => m.type === 'agent.welcome' || m.type === 'error',
    5000,
    'agent.welcome',
  );
  if (welcome.type !== 'agent.welcome') throw new Error(`agent hello refused: ${JSON.stringify(welcome)}`);
  return { ...agent, client, welcome };
}

export async function addAgent(
  server: TestServer,
  options: { portals?: string[]; name?: string; role?: 'agent' | 'manager' } = {},
): Promise<ConnectedAgent> {
  return connectAgent(server, await signInAgent(server, options));
}

export interface RequestDetails {
  name?: string;
  email?: string;
  problem?: string;
  language?: 'en' | 'fr';
  client?: { system: string; browser: string };
}

/** POST /api/v1/portals/:slug/requests; returns the HTTP status and JSON body. */
export async function postRequest(
  server: TestServer,
  slug: string,
  details: RequestDetails = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/api/v1/portals/${slug}/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: details.name ?? 'Casey Customer',
      problem: details.problem ?? 'My printer is on fire',
      ...(details.email ? { email: details.email } : {}),
      ...(details.language ? { language: details.language } : {}),
      ...(details.client ? { client: details.client } : {}),
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface ConnectedCustomer {
  client: TestWsClient;
  requestToken: string;
  sessionId: string;
  /** The welcome (customer.hello) or the reply to request.create. */
  first: TestMessage;
}

/** Opens a request over HTTP and connects the customer's page with customer.hello. */
export async function customerViaHttp(
  server: TestServer,
  slug: string,
  details: RequestDetails = {},
): Promise<ConnectedCustomer & { http: Record<string, unknown> }> {
  const { status, body } = await postRequest(server, slug, details);
  if (status !== 201) throw new Error(`request refused: ${status} ${JSON.stringify(body)}`);
  const requestToken = String(body.requestToken);
  const client = await TestWsClient.connect(server.wsUrl, server.url);
  client.send({ type: 'customer.hello', requestToken, protocol: PROTOCOL_VERSION });
  const first = await client.waitType('customer.welcome');
  const session = body.session as { sessionId: string };
  return { client, requestToken, sessionId: session.sessionId, first, http: body };
}

/** Opens a request over /ws with request.create (what the support page does). */
export async function customerViaWs(
  server: TestServer,
  slug: string,
  details: RequestDetails = {},
): Promise<ConnectedCustomer> {
  const client = await TestWsClient.connect(server.wsUrl, server.url);
  const first = await client.request({
    type: 'request.create',
    portal: slug,
    name: details.name ?? 'Casey Customer',
    problem: details.problem ?? 'My printer is on fire',
    ...(details.email ? { email: details.email } : {}),
    ...(details.language ? { language: details.language } : {}),
    ...(details.client ? { client: details.client } : {}),
    protocol: PROTOCOL_VERSION,
  });
  if (first.type !== 'reply') throw new Error(`request.create refused: ${JSON.stringify(first)}`);
  const result = first.result as { requestToken: string; session: { sessionId: string } };
  return { client, requestToken: result.requestToken, sessionId: result.session.sessionId, first };
}

/** A customer's request accepted by `agent`: both connected, the session in `accepted`. */
export async function acceptedSession(
  server: TestServer,
  agent: ConnectedAgent,
  slug: string,
  details: RequestDetails = {},
): Promise<ConnectedCustomer> {
  const customer = await customerViaHttp(server, slug, details);
  const reply = await agent.client.request({ type: 'request.accept', sessionId: customer.sessionId });
  if (reply.type !== 'reply') throw new Error(`accept refused: ${JSON.stringify(reply)}`);
  await customer.client.waitType('session.accepted');
  return customer;
}

/** Result of a reply, or a thrown error naming the code. */
export function resultOf<T = Record<string, unknown>>(m: TestMessage): T {
  if (m.type !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(m)}`);
  return m.result as T;
}

/** Closes clients and waits until each socket is closed (so the server has seen it). */
export async function closeAll(...clients: (TestWsClient | undefined)[]): Promise<void> {
  await Promise.all(
    clients.map(async (c) => {
      if (!c || c.closeCode !== null) return;
      c.close();
      await c.waitClose().catch(() => undefined);
    }),
  );
}

/** Median of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Waits for a message matching `pred` among those received from index `from` on (default: all
 * of them), whatever the client's own cursor says. Pushes often arrive before the reply that
 * caused them, so tests look for them by content, not by order of waiting.
 */
export function seen(
  client: TestWsClient,
  pred: (m: TestMessage) => boolean,
  what = 'message',
  from = 0,
  timeoutMs = 5000,
): Promise<TestMessage> {
  const found = client.received.slice(from).find(pred);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const onMessage = (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString('utf8')) as TestMessage;
      if (!pred(m)) return;
      clearTimeout(timer);
      client.ws.off('message', onMessage);
      resolve(m);
    };
    const timer = setTimeout(() => {
      client.ws.off('message', onMessage);
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; got: ${JSON.stringify(client.received.slice(-5))}`,
        ),
      );
    }, timeoutMs);
    client.ws.on('message', onMessage);
  });
}

/** `seen` for a message type. */
export function seenType(
  client: TestWsClient,
  type: string,
  from = 0,
  timeoutMs = 5000,
): Promise<TestMessage> {
  return seen(client, (m) => m.type === type, type, from, timeoutMs);
}

export const TEST_OS = { platform: 'linux', release: '6.1.0', arch: 'x64', display: 'x11' };

export type TestCredential =
  | { kind: 'join'; joinCode: string }
  | { kind: 'resume'; resumeToken: string }
  | { kind: 'ticket'; ticket: string }
  | { kind: 'page'; requestToken: string };

/** The helper's hello (as host/ sends it). */
export function helperHello(
  credential: TestCredential,
  options: {
    os?: typeof TEST_OS | { platform: string; release: string; arch: string };
    supported?: boolean;
  } = {},
): Record<string, unknown> {
  return {
    type: 'helper.hello',
    credential,
    protocol: PROTOCOL_VERSION,
    version: '0.1.0',
    os: options.os ?? TEST_OS,
    supported: options.supported ?? true,
  };
}

/** Connects a helper (no Origin: a native program) and waits for its welcome or error. */
export async function connectHelper(
  server: TestServer,
  credential: TestCredential,
  options: Parameters<typeof helperHello>[1] = {},
): Promise<{ client: TestWsClient; first: TestMessage }> {
  const client = await TestWsClient.connect(server.wsUrl);
  client.send(helperHello(credential, options));
  const first = await client.waitFor(
    (m) => m.type === 'helper.welcome' || m.type === 'error',
    5000,
    'helper.welcome',
  );
  return { client, first };
}

/** Connects a viewer window for `agent` on `sessionId` and waits for its welcome or error. */
export async function connectViewer(
  server: TestServer,
  token: string,
  sessionId: string,
): Promise<{ client: TestWsClient; first: TestMessage }> {
  const client = await TestWsClient.connect(server.wsUrl, server.url);
  client.send({ type: 'viewer.hello', token, sessionId, protocol: PROTOCOL_VERSION });
  const first = await client.waitFor(
    (m) => m.type === 'viewer.welcome' || m.type === 'error',
    5000,
    'viewer.welcome',
  );
  return { client, first };
}

/**
 * An accepted session with screen sharing asked for: the join code, the ticket of the download the
 * customer's page offers, and both parties.
 */
export async function screenRequested(
  server: TestServer,
  agent: ConnectedAgent,
  slug: string,
  details: RequestDetails = {},
): Promise<ConnectedCustomer & { joinCode: string; ticket: string }> {
  const customer = await acceptedSession(server, agent, slug, details);
  const from = customer.client.received.length;
  const reply = resultOf<{ joinCode: string }>(
    await agent.client.request({ type: 'screen.request', sessionId: customer.sessionId }),
  );
  const requested = await seen(
    customer.client,
    (m) => m.type === 'screen.requested' && m.joinCode === reply.joinCode,
    'screen.requested',
    from,
  );
  return { ...customer, joinCode: reply.joinCode, ticket: String(requested.download) };
}

export const ALL_GRANTS = { view: true, control: true, clipboard: true, files: true, reboot: true };
