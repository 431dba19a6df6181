/**
 * Signing in without a seat (the FAQ's choice when every seat is taken): the login exists but the
 * agent sees and takes nothing (no queue, no alerts, every request but ping refused seat_required);
 * a seat that frees goes to them (seat.granted, close 4010) and the next hello is a full one.
 * The attack: a seatless agent's token cannot accept a request it learned of elsewhere.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/common';
import { CLOSE } from '../../../protocol/close-codes';
import { startTestServer, type TestServer } from '../../support/test-server';
import { TestWsClient } from '../../support/ws-client';
import {
  addAgent,
  addPortal,
  closeAll,
  customerViaWs,
  unique,
  type ConnectedAgent,
} from '../../support/workflow';
import { api } from '../http/api-client';

let server: TestServer;
let slug: string;
let holder: ConnectedAgent;

/** How long a message that must not come is given to show up anyway, in ms. */
const QUIET_MS = 300;

beforeAll(async () => {
  server = await startTestServer();
  slug = unique('seat').toLowerCase();
  await addPortal(server, slug);
  await server.services.accounts.createCompany('Acme', 'test');
  await server.services.accounts.setSeats(1, 'test');
  holder = await addAgent(server, { portals: [slug], name: 'Holly Holder' });
});
afterAll(() => server.stop());

it('signs in without a seat, sees and takes nothing, and gets the seat when it frees', async () => {
  const email = `wade-${unique('w')}@example.test`;
  await server.services.accounts.addUser(
    { email, name: 'Wade Waiter', role: 'agent', password: 'Correct-Horse-42!' },
    'test',
  );
  await server.services.accounts.assignPortal(slug, email, 'test');
  // The usual sign-in is refused: the only seat is Holly's.
  const refused = await api(server, 'POST', '/api/v1/auth/login', { email, password: 'Correct-Horse-42!' });
  expect(refused.status).toBe(409);
  const login = await api(server, 'POST', '/api/v1/auth/login', {
    email,
    password: 'Correct-Horse-42!',
    waitForSeat: true,
  });
  expect(login.status).toBe(200);
  expect(login.body).toMatchObject({ waitingForSeat: true });
  const token = String(login.body.token);

  // The manager sees the seatless login as holding no seat; the seat count stays 1 of 1.
  const manager = await addAgent(server, { role: 'manager' });
  const seats = await api(server, 'GET', '/api/v1/manage/seats', undefined, manager.token);
  expect(seats.body).toMatchObject({ seats: 1, inUse: 1 });
  const logins = await api(server, 'GET', '/api/v1/manage/logins', undefined, manager.token);
  const wade = (logins.body.logins as { user: { email: string }; seat: boolean }[]).find(
    (l) => l.user.email === email,
  );
  expect(wade?.seat).toBe(false);

  // A request waits in the portal: Holly sees it, Wade's welcome is empty and says why.
  const customer = await customerViaWs(server, slug, { name: 'Quinn Queue' });
  await holder.client.waitFor((m) => m.type === 'queue.added');
  const wadeSocket = { client: await TestWsClient.connect(server.wsUrl, server.url) };
  wadeSocket.client.send({ type: 'agent.hello', token, protocol: PROTOCOL_VERSION });
  expect(await wadeSocket.client.waitType('agent.welcome')).toMatchObject({
    waitingForSeat: true,
    queue: [],
    sessions: [],
  });
  // The attack: accepting the request anyway (its id learned elsewhere) is refused.
  expect(
    await wadeSocket.client.request({ type: 'request.accept', sessionId: customer.sessionId }),
  ).toMatchObject({ type: 'error', code: 'seat_required' });
  expect(await wadeSocket.client.request({ type: 'directory.list' })).toMatchObject({
    code: 'seat_required',
  });
  expect(await wadeSocket.client.request({ type: 'ping' })).toMatchObject({ type: 'reply' });
  // Not online for customers or colleagues: a new request alerts Holly only.
  const second = await customerViaWs(server, slug, { name: 'Rene Second' });
  await holder.client.waitFor(
    (m) => m.type === 'queue.added' && (m.entry as { sessionId: string }).sessionId === second.sessionId,
  );
  await new Promise((r) => setTimeout(r, QUIET_MS));
  expect(wadeSocket.client.received.some((m) => m.type === 'queue.added')).toBe(false);

  // Holly signs out: the seat goes to Wade, whose socket is told and closed (4010).
  expect((await api(server, 'POST', '/api/v1/auth/logout', undefined, holder.token)).status).toBe(204);
  await wadeSocket.client.waitType('seat.granted');
  expect(await wadeSocket.client.waitClose()).toBe(CLOSE.seatGranted);
  // The next hello with the same token is a full one: the queue, and accept works.
  const again = await TestWsClient.connect(server.wsUrl, server.url);
  again.send({ type: 'agent.hello', token, protocol: PROTOCOL_VERSION });
  const welcome = await again.waitType('agent.welcome');
  expect(welcome.waitingForSeat).toBeUndefined();
  expect((welcome.queue as { sessionId: string }[]).map((q) => q.sessionId)).toEqual(
    expect.arrayContaining([customer.sessionId, second.sessionId]),
  );
  expect(await again.request({ type: 'request.accept', sessionId: customer.sessionId })).toMatchObject({
    type: 'reply',
  });
  const audit = await server.store.audit.recent(50);
  expect(audit.map((a) => a.action)).toEqual(
    expect.arrayContaining(['login.without_seat', 'login.seat_granted']),
  );
  await closeAll(again, customer.client, second.client, manager.client, holder.client);
});
