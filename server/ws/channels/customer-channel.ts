/**
 * The customer channel on /ws (the support page). The first message is `request.create` (a new
 * request on a portal, same rules as the HTTP route) or `customer.hello` with the request token
 * from earlier (reload, lost connection). A customer whose session has ended gets `session_ended`
 * and may `request.restart`: the same details, a new request, in one step. Customers are
 * anonymous: the request token is their only credential, and it names one session; one request
 * may hold SOCKETS_PER_REQUEST sockets at once (tabs), no more.
 */
import { type CUSTOMER_RESULTS, CustomerToServer } from '../../../protocol/customer-channel';
import { ProtocolError } from '../../../protocol/errors';
import type { ResultHandlerMap } from '../../../protocol/message';
import type { Log } from '../../log';
import type { ChatService } from '../../session/chat-service';
import type { ChatFileService } from '../../session/chat-files';
import type { CustomerLink } from '../../session/customer-links';
import type { SessionService } from '../../session/session-service';
import type { Connection } from '../connection';
import { SOCKETS_PER_REQUEST } from '../socket-counts';
import type { Channel, ChannelSession } from '../hub';
import { Dispatcher } from './dispatch';
import { alreadyOpen, parseHello, requireProtocol } from './hello';
import { sendToCustomer } from './typed-send';

export interface CustomerChannelDeps {
  sessions: SessionService;
  chat: ChatService;
  chatFiles: ChatFileService;
  log: Log;
  /** Called once a returning page has its welcome (e.g. to announce a share in progress). */
  afterWelcome?: (link: CustomerLink) => void;
  /** A request was created on this socket (the reports record the customer's system from it). */
  onRequestCreated?: (sessionId: string, conn: Connection) => void;
}

interface CustomerCtx {
  link: CustomerLink;
}

export function customerChannel(deps: CustomerChannelDeps): Channel {
  const { sessions, chat, chatFiles } = deps;
  const customer = { kind: 'customer' } as const;

  const handlers: ResultHandlerMap<CustomerToServer, CustomerCtx, typeof CUSTOMER_RESULTS> = {
    'customer.hello': () => alreadyOpen(),
    'request.create': () => alreadyOpen(),
    'request.cancel': async (_m, { link }) => {
      await sessions.cancel(link.sessionId, link.conn.address);
      return { sessionId: link.sessionId };
    },
    'request.callback': async ({ email }, { link }) => {
      await sessions.leaveDetails(link.sessionId, email, link.conn.address);
      return { sessionId: link.sessionId };
    },
    'request.restart': async (_m, { link }) => {
      const { record, ...result } = await sessions.restart(link.sessionId, link.conn.address);
      sessions.customers.move(link, record.id);
      return result;
    },
    'chat.send': async ({ text }, { link }) => ({ line: await chat.send(link.sessionId, customer, text) }),
    'chat.typing': async ({ typing }, { link }) => chat.typing(link.sessionId, customer, typing),
    'chat.received': async ({ seq }, { link }) => chat.received(link.sessionId, customer, seq),
    'chat.file_offer': async (offer, { link }) => ({
      file: await chatFiles.offer(
        link.sessionId,
        { kind: 'customer', sessionId: link.sessionId },
        { name: offer.name, size: offer.size, sha256: offer.sha256 },
        link.conn.address,
      ),
    }),
    'chat.file_cancel': async ({ fileId }, { link }) => ({
      file: await chatFiles.cancel(
        link.sessionId,
        { kind: 'customer', sessionId: link.sessionId },
        fileId,
        link.conn.address,
      ),
    }),
    'customer.language': ({ language }, { link }) => sessions.setLanguage(link.sessionId, language),
    'session.end': async (_m, { link }) => {
      await sessions.end(link.sessionId, { kind: 'customer', address: link.conn.address });
      return { sessionId: link.sessionId };
    },
  };

  return {
    name: 'customer',
    firstTypes: ['customer.hello', 'request.create'],
    async open(conn: Connection, text: string): Promise<ChannelSession> {
      const hello = parseHello(CustomerToServer, text, 'customer.hello', 'request.create');
      requireProtocol(hello.protocol);
      let link: CustomerLink;
      if (hello.type === 'request.create') {
        const { record, ...result } = await sessions.createRequest(
          hello.portal,
          {
            name: hello.name,
            ...(hello.email ? { email: hello.email } : {}),
            problem: hello.problem,
            ...(hello.language ? { language: hello.language } : {}),
            ...(hello.client ? { client: hello.client } : {}),
          },
          conn.address,
          { connected: true, ...(hello.previous ? { previous: hello.previous } : {}) },
        );
        link = { conn, sessionId: record.id };
        sessions.customers.add(link);
        deps.onRequestCreated?.(record.id, conn);
        conn.reply(hello.id, result);
      } else {
        const record = await sessions.byRequestToken(hello.requestToken);
        if (sessions.customers.count(record.id) >= SOCKETS_PER_REQUEST) {
          throw new ProtocolError(
            'too_many_connections',
            `this request is already open in ${SOCKETS_PER_REQUEST} pages; close one and try again`,
            { max: SOCKETS_PER_REQUEST },
          );
        }
        link = { conn, sessionId: record.id, held: [] };
        sessions.customers.add(link);
        try {
          if (record.state === 'ended') {
            // Bound all the same, so the page can restart in one step.
            const agentName = await sessions.lastAgentName(record);
            conn.error(
              'session_ended',
              'this support session has ended; you can start a new request',
              undefined,
              {
                sessionId: record.id,
                canRestart: true,
                ...(agentName ? { agentName } : {}),
                ...(record.endReason ? { reason: record.endReason } : {}),
              },
            );
          } else {
            sendToCustomer(conn, {
              type: 'customer.welcome',
              session: await sessions.customerViewOf(record),
              transcript: await sessions.transcript(record.id),
            });
          }
        } catch (err) {
          sessions.customers.remove(link);
          throw err;
        }
        sessions.customers.release(link);
        // The session's chat files as they are now (their lines are in the transcript).
        for (const file of chatFiles.of(record.id)) sendToCustomer(conn, { type: 'chat.file', file });
        deps.afterWelcome?.(link);
      }
      const dispatcher = new Dispatcher('customer', conn, CustomerToServer, handlers, { link }, deps.log);
      return {
        onText: (t) => dispatcher.onText(t),
        onBinary: () => conn.error('invalid_message', 'the support page sends text messages only'),
        onClose: () => sessions.customers.remove(link),
      };
    },
  };
}
