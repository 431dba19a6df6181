/**
 * The agent channel on /ws: the extension signs in with `agent.hello` (its login token), gets
 * `agent.welcome` (status, features, the queue it may accept from, the sessions it holds) and
 * then works the queue: presence, accept, chat, comments, transfer, end, screen requests. Every
 * message goes through the channel's union and one handler per type. The socket is registered
 * under its login, so a login ended elsewhere (seat taken, logout, deactivation, password reset)
 * gets `signed_out` and is closed; the agent's support sessions stay as they are. A login made
 * without a seat sees and takes nothing until one frees (agent-without-seat.ts).
 */
import { type AGENT_RESULTS, AgentToServer } from '../../../protocol/agent-channel';
import type { ResultHandlerMap } from '../../../protocol/message';
import { agentRef, type AuthService } from '../../auth/auth-service';
import type { Log } from '../../log';
import type { LoginSockets } from '../../presence/login-sockets';
import type { AgentLink, Presence } from '../../presence/presence';
import { signedOutMessage } from '../../presence/signed-out';
import type { ScreenService } from '../../screen/screen-service';
import type { ChatService } from '../../session/chat-service';
import type { ChatFileService } from '../../session/chat-files';
import type { SessionService } from '../../session/session-service';
import type { Store, UserRecord } from '../../store/store';
import { CLOSE, type Connection } from '../connection';
import type { Channel, ChannelSession } from '../hub';
import { Dispatcher } from './dispatch';
import { alreadyOpen, parseHello, requireProtocol } from './hello';
import { handlersWithoutSeat } from './agent-without-seat';
import { sendToAgent } from './typed-send';
import { ProtocolError } from '../../../protocol/errors';

export interface AgentChannelDeps {
  auth: AuthService;
  store: Store;
  presence: Presence;
  loginSockets: LoginSockets;
  sessions: SessionService;
  chat: ChatService;
  chatFiles: ChatFileService;
  screen: ScreenService;
  log: Log;
}

interface AgentCtx {
  conn: Connection;
  userId: string;
  /** The account as it is now (features and state can change while the agent is connected). */
  user(): Promise<UserRecord>;
}

export function agentChannel(deps: AgentChannelDeps): Channel {
  const { presence, sessions, chat, chatFiles, screen } = deps;
  /** The session's chat files, pushed right after a reply that hands the agent its transcript. */
  const pushFiles = (conn: Connection, sessionId: string) => {
    queueMicrotask(() => {
      for (const file of chatFiles.of(sessionId)) sendToAgent(conn, { type: 'chat.file', sessionId, file });
    });
  };

  const handlers: ResultHandlerMap<AgentToServer, AgentCtx, typeof AGENT_RESULTS> = {
    'agent.hello': () => alreadyOpen(),
    ping: () => ({}),
    'presence.set': ({ status }, c) => {
      presence.setStatus(c.userId, status);
      return { status };
    },
    'request.accept': async ({ sessionId }, c) => {
      const result = await sessions.accept(await c.user(), sessionId, c.conn.address);
      pushFiles(c.conn, sessionId);
      return result;
    },
    'session.open': async ({ sessionId }, c) => {
      const result = await sessions.open(await c.user(), sessionId);
      pushFiles(c.conn, sessionId);
      return result;
    },
    'session.end': async ({ sessionId }, c) => {
      await sessions.end(sessionId, { kind: 'agent', user: await c.user(), address: c.conn.address });
      return { sessionId };
    },
    'session.comment': async ({ sessionId, comment }, c) => {
      await sessions.comment(await c.user(), sessionId, comment);
      return { sessionId };
    },
    'session.transfer': async ({ sessionId, target, comment }, c) => {
      await sessions.transfer(await c.user(), sessionId, target, comment, c.conn.address);
      return { sessionId };
    },
    'session.recall': async ({ sessionId }, c) => sessions.recall(await c.user(), sessionId, c.conn.address),
    'request.decline': async ({ sessionId, reason }, c) => {
      await sessions.decline(await c.user(), sessionId, reason, c.conn.address);
      return { sessionId };
    },
    'callback.handled': async ({ sessionId, note }, c) => {
      await sessions.handled(await c.user(), sessionId, note, c.conn.address);
      return { sessionId };
    },
    'chat.send': async ({ sessionId, text }, c) => ({
      line: await chat.send(sessionId, { kind: 'agent', user: await c.user() }, text),
    }),
    'chat.typing': async ({ sessionId, typing }, c) => {
      await chat.typing(sessionId, { kind: 'agent', user: await c.user() }, typing);
    },
    'chat.received': async ({ sessionId, seq }, c) => {
      await chat.received(sessionId, { kind: 'agent', user: await c.user() }, seq);
    },
    'chat.file_offer': async ({ sessionId, name, size, sha256 }, c) => ({
      file: await chatFiles.offer(
        sessionId,
        { kind: 'agent', user: await c.user() },
        { name, size, sha256 },
        c.conn.address,
      ),
    }),
    'chat.file_answer': async ({ sessionId, fileId, accept, reason }, c) => ({
      file: await chatFiles.answer(await c.user(), sessionId, fileId, accept, reason, c.conn.address),
    }),
    'chat.file_cancel': async ({ sessionId, fileId }, c) => ({
      file: await chatFiles.cancel(
        sessionId,
        { kind: 'agent', user: await c.user() },
        fileId,
        c.conn.address,
      ),
    }),
    'screen.request': async ({ sessionId }, c) => ({
      sessionId,
      ...(await screen.request(await c.user(), sessionId, c.conn.address)),
    }),
    'directory.list': () => sessions.directory(),
  };
  const seatless = handlersWithoutSeat(handlers);

  return {
    name: 'agent',
    firstTypes: ['agent.hello'],
    async open(conn: Connection, text: string): Promise<ChannelSession> {
      const hello = parseHello(AgentToServer, text, 'agent.hello');
      requireProtocol(hello.protocol);
      const { user, login } = await deps.auth.authenticate(hello.token);
      const portals = new Set(await deps.store.portals.portalsOf(user.id));
      const { sessions: held } = await sessions.welcomeFor(user.id);
      if (!conn.isOpen) throw new ProtocolError('unavailable', 'connection closed during sign-in');

      // From here to the welcome nothing awaits: no push can overtake the welcome.
      const link: AgentLink = { conn, userId: user.id, loginId: login.id };
      const withoutSeat = login.waitingForSeat;
      // Without a seat the agent is not online: no alerts, no transfers, no queue pushes.
      const status = withoutSeat ? 'busy' : presence.add(link);
      const unregister = deps.loginSockets.add(login.id, (event) => {
        sendToAgent(conn, signedOutMessage(event));
        conn.close(CLOSE.signedOut, event.reason === 'seat_taken' ? 'signed out: seat taken' : 'signed out');
      });
      const unseat = withoutSeat
        ? deps.auth.events.onSeatGranted((loginId) => {
            if (loginId !== login.id) return;
            sendToAgent(conn, { type: 'seat.granted' });
            conn.close(CLOSE.seatGranted, 'a seat is free: sign in again');
          })
        : () => undefined;
      sendToAgent(conn, {
        type: 'agent.welcome',
        agent: agentRef(user),
        role: user.role,
        loginId: login.id,
        status,
        features: user.features,
        queue: withoutSeat ? [] : sessions.queue.visibleTo(user.id, portals),
        sessions: withoutSeat ? [] : held,
        ...(withoutSeat ? { waitingForSeat: true } : {}),
      });

      const ctx: AgentCtx = {
        conn,
        userId: user.id,
        async user() {
          const now = await deps.store.users.byId(user.id);
          if (!now || now.state !== 'active') {
            throw new ProtocolError('account_inactive', 'this account is not active any more');
          }
          return now;
        },
      };
      const dispatcher = new Dispatcher(
        'agent',
        conn,
        AgentToServer,
        withoutSeat ? seatless : handlers,
        ctx,
        deps.log,
      );
      return {
        onText: (t) => dispatcher.onText(t),
        onBinary: () =>
          conn.error('invalid_message', 'binary frames belong to the helper and viewer channels'),
        onClose: () => {
          unregister();
          unseat();
          if (!withoutSeat) presence.remove(link);
        },
      };
    },
  };
}
