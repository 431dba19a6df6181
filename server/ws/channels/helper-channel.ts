/**
 * The helper channel on /ws: the native helper (installed, or standalone with a typed code)
 * joins a session's screen sharing with `helper.hello` (credential `join` with the join code,
 * `ticket` from a download bound to the request, `page` when the support page itself shares the
 * screen (view only), or `resume` with the token from its last welcome), then reports consent, reboots and stop, and
 * carries the data plane's binary frames as peer 1. A helper on a system we cannot serve
 * (`supported: false`) is answered `os_not_supported` naming the system, the page and the agent
 * are told the same, and the socket closes.
 */
import { HelperToServer, type HelperCredential } from '../../../protocol/helper-channel';
import { ProtocolError } from '../../../protocol/errors';
import type { ResultHandlerMap } from '../../../protocol/message';
import type { Log } from '../../log';
import type { RelayPeer } from '../../relay/relay-peer';
import type { ScreenService } from '../../screen/screen-service';
import { CLOSE, type Connection } from '../connection';
import type { Channel, ChannelSession } from '../hub';
import { Dispatcher } from './dispatch';
import { alreadyOpen, parseHello, requireProtocol } from './hello';
import { sendToHelper } from './typed-send';

export interface HelperChannelDeps {
  screen: ScreenService;
  log: Log;
}

interface HelperCtx {
  peer: RelayPeer;
}

/** This channel has no requests (no ids), only messages. */
type NoResults = Record<never, never>;

export function helperChannel(deps: HelperChannelDeps): Channel {
  const { screen } = deps;

  const handlers: ResultHandlerMap<HelperToServer, HelperCtx, NoResults> = {
    'helper.hello': () => alreadyOpen(),
    'helper.consent': ({ grants }, { peer }) => screen.consent(peer, grants),
    'helper.rebooting': (_m, { peer }) => screen.rebooting(peer),
    'helper.stop': (_m, { peer }) => screen.stop(peer),
    'helper.declined': ({ reason }, { peer }) => screen.declined(peer, reason),
  };

  type Joined = ReturnType<ScreenService['joinWithCode']>;
  type Info = Parameters<ScreenService['joinWithCode']>[2];
  /** One way in per credential kind (a missing kind does not compile). */
  const JOIN: {
    [K in HelperCredential['kind']]: (
      c: Extract<HelperCredential, { kind: K }>,
      conn: Connection,
      info: Info,
    ) => Joined;
  } = {
    join: (c, conn, info) => screen.joinWithCode(conn, c.joinCode, info),
    ticket: (c, conn, info) => screen.joinWithTicket(conn, c.ticket, info),
    resume: (c, conn, info) => screen.resume(conn, c.resumeToken, info),
    page: (c, conn, info) => screen.joinFromPage(conn, c.requestToken, info),
  };
  const join = (c: HelperCredential, conn: Connection, info: Info): Joined =>
    (JOIN[c.kind] as (c: HelperCredential, conn: Connection, info: Info) => Joined)(c, conn, info);

  return {
    name: 'helper',
    firstTypes: ['helper.hello'],
    async open(conn: Connection, text: string): Promise<ChannelSession> {
      const hello = parseHello(HelperToServer, text, 'helper.hello');
      requireProtocol(hello.protocol);
      const info = { os: hello.os, supported: hello.supported };
      let joined: Awaited<ReturnType<ScreenService['joinWithCode']>>;
      try {
        joined = await join(hello.credential, conn, info);
      } catch (err) {
        if (err instanceof ProtocolError && err.code === 'os_not_supported') {
          // Nothing more can happen on this socket: say why, then close.
          conn.error(err.code, err.message, undefined, err.details);
          conn.close(CLOSE.policy, 'operating system not supported');
        }
        throw err;
      }
      const { peer, welcome } = joined;
      sendToHelper(conn, welcome);
      const dispatcher = new Dispatcher('helper', conn, HelperToServer, handlers, { peer }, deps.log);
      return {
        onText: (t) => dispatcher.onText(t),
        onBinary: (data) => dispatcher.onBinary(data.byteLength, () => screen.relay.forward(peer, data)),
        onClose: () => {
          screen
            .helperClosed(peer)
            .catch((err: unknown) => deps.log.error('helper_close_failed', { error: String(err) }));
        },
      };
    },
  };
}
