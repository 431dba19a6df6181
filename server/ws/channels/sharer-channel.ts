/**
 * The sharer channel on /ws ("share my screen", protocol/share/share-channel.ts): the agent's
 * share page opens a session's share room with `share.hello` (the agent's login token and a
 * session the agent holds; the `shareMyScreen` feature is checked by the service), then sends
 * binary frames as peer 1 of that room: key agreement and screen messages only
 * (relay/share-frame-policy.ts), end-to-end encrypted for each watcher. Registered under its
 * login like the agent's other sockets, so a login ended elsewhere closes it too; a manager
 * switching the feature off ends the share at once.
 */
import type { ResultHandlerMap } from '../../../protocol/message';
import { SharerToServer } from '../../../protocol/share/share-channel';
import type { AuthService } from '../../auth/auth-service';
import type { Log } from '../../log';
import type { LiveFeatures } from '../../presence/live-features';
import type { LoginSockets } from '../../presence/login-sockets';
import { signedOutText } from '../../presence/signed-out';
import type { RelayPeer } from '../../relay/relay-peer';
import { admitShareFrame } from '../../relay/share-frame-policy';
import type { ShareService } from '../../share/share-service';
import { CLOSE, type Connection } from '../connection';
import type { Channel, ChannelSession } from '../hub';
import { Dispatcher } from './dispatch';
import { alreadyOpen, parseHello, requireProtocol } from './hello';
import { sendToSharer } from './share-send';

export interface SharerChannelDeps {
  auth: AuthService;
  share: ShareService;
  loginSockets: LoginSockets;
  liveFeatures: LiveFeatures;
  log: Log;
}

interface SharerCtx {
  peer: RelayPeer;
}

/** This channel has no requests (no ids), only messages. */
type NoResults = Record<never, never>;

export function sharerChannel(deps: SharerChannelDeps): Channel {
  const { share } = deps;
  const handlers: ResultHandlerMap<SharerToServer, SharerCtx, NoResults> = {
    'share.hello': () => alreadyOpen(),
    'share.stop': (_m, { peer }) => share.stop(peer),
  };

  return {
    name: 'sharer',
    firstTypes: ['share.hello'],
    async open(conn: Connection, text: string): Promise<ChannelSession> {
      const hello = parseHello(SharerToServer, text, 'share.hello');
      requireProtocol(hello.protocol);
      const { user, login } = await deps.auth.authenticate(hello.token);
      const { peer, welcome } = await share.startSharing(user, hello.sessionId, conn);
      const unregister = deps.loginSockets.add(login.id, (event) => {
        conn.error('signed_out', signedOutText(event), undefined, { reason: event.reason });
        conn.close(CLOSE.signedOut, 'signed out');
      });
      // A manager switching "share my screen" off ends the share at once.
      const unfollow = deps.liveFeatures.add(user.id, user.features, (features) => {
        if (features.shareMyScreen || !conn.isOpen) return;
        conn.error(
          'feature_disabled',
          'your manager switched off share my screen for your account',
          undefined,
          {
            feature: 'shareMyScreen',
          },
        );
        try {
          share.stop(peer);
        } catch {
          conn.close(CLOSE.featureDisabled, 'share my screen switched off');
        }
      });
      sendToSharer(conn, welcome);
      const dispatcher = new Dispatcher('sharer', conn, SharerToServer, handlers, { peer }, deps.log);
      return {
        onText: (t) => dispatcher.onText(t),
        onBinary: (data) =>
          dispatcher.onBinary(data.byteLength, () => {
            if (admitShareFrame('sharer', peer, data, share.relay.flow)) share.relay.forward(peer, data);
          }),
        onClose: () => {
          unregister();
          unfollow();
          share.sharerClosed(peer);
        },
      };
    },
  };
}
