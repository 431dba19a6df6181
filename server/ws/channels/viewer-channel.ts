/**
 * The viewer channel on /ws: an agent's viewer window joins the data plane of a session the
 * agent holds (`viewer.hello` with the agent's login token and the session id), learns its peer
 * id and whether the helper is there, and then exchanges binary frames with the helper through
 * the relay. Registered under its login like the agent's other sockets, so a login ended
 * elsewhere closes it too. A manager's change to the agent's features applies at once
 * (presence/live-features.ts): the relay holds the viewer to the new ones and the viewer is told
 * (`viewer.features`), or, with screen viewing switched off, the viewer is closed.
 */
import { ViewerToServer } from '../../../protocol/viewer-channel';
import type { ResultHandlerMap } from '../../../protocol/message';
import type { AuthService } from '../../auth/auth-service';
import type { Log } from '../../log';
import type { LiveFeatures } from '../../presence/live-features';
import type { LoginSockets } from '../../presence/login-sockets';
import { signedOutText } from '../../presence/signed-out';
import type { ScreenService } from '../../screen/screen-service';
import { CLOSE, type Connection } from '../connection';
import type { Channel, ChannelSession } from '../hub';
import { Dispatcher } from './dispatch';
import { alreadyOpen, parseHello, requireProtocol } from './hello';
import { sendToViewer } from './typed-send';
import type { FileRecord } from '../../store/manage-store';
import type { RelayPeer } from '../../relay/relay-peer';

export interface ViewerChannelDeps {
  auth: AuthService;
  screen: ScreenService;
  loginSockets: LoginSockets;
  liveFeatures: LiveFeatures;
  log: Log;
  /** A verified file transfer the viewer reported (the session reports list it). */
  recordFile?: (file: Omit<FileRecord, 'at'>) => Promise<void>;
}

/** This channel has no requests (no ids), only messages. */
type NoResults = Record<never, never>;

interface ViewerCtx {
  sessionId: string;
  userId: string;
  peer: RelayPeer;
}

export function viewerChannel(deps: ViewerChannelDeps): Channel {
  const handlers: ResultHandlerMap<ViewerToServer, ViewerCtx, NoResults> = {
    'viewer.hello': () => alreadyOpen(),
    'viewer.file': async (m, c) => {
      await deps.recordFile?.({
        sessionId: c.sessionId,
        agentId: c.userId,
        direction: m.direction,
        name: m.name,
        size: m.size,
        sha256: m.sha256,
      });
    },
    'viewer.link': (m, c) => {
      deps.screen.linkReported(c.peer, m.slow);
    },
  };

  return {
    name: 'viewer',
    firstTypes: ['viewer.hello'],
    async open(conn: Connection, text: string): Promise<ChannelSession> {
      const hello = parseHello(ViewerToServer, text, 'viewer.hello');
      requireProtocol(hello.protocol);
      const { user, login } = await deps.auth.authenticate(hello.token);
      const { peer, welcome } = await deps.screen.joinViewer(user, hello.sessionId, conn);
      const unregister = deps.loginSockets.add(login.id, (event) => {
        conn.error('signed_out', signedOutText(event), undefined, { reason: event.reason });
        conn.close(CLOSE.signedOut, 'signed out');
      });
      const unfollow = deps.liveFeatures.add(user.id, user.features, (features) => {
        peer.features = features;
        if (!features.screenView) {
          conn.error(
            'feature_disabled',
            'your manager switched off screen viewing for your account',
            undefined,
            {
              feature: 'screenView',
            },
          );
          conn.close(CLOSE.featureDisabled, 'screen viewing switched off');
          return;
        }
        sendToViewer(conn, { type: 'viewer.features', features });
      });
      sendToViewer(conn, welcome);
      const ctx: ViewerCtx = { sessionId: hello.sessionId, userId: user.id, peer };
      const dispatcher = new Dispatcher('viewer', conn, ViewerToServer, handlers, ctx, deps.log);
      return {
        onText: (t) => dispatcher.onText(t),
        onBinary: (data) => dispatcher.onBinary(data.byteLength, () => deps.screen.relay.forward(peer, data)),
        onClose: () => {
          unregister();
          unfollow();
          deps.screen.viewerClosed(peer);
        },
      };
    },
  };
}
