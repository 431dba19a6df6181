/**
 * The watcher channel on /ws ("share my screen", protocol/share/share-channel.ts): the
 * customer's support page watches the agent's shared screen with `share.watch` and its request
 * token (its only credential), accepted only while the session's agent is sharing. It then sends
 * binary frames to the sharer (peer 1): key agreement, acks and refresh requests, nothing else
 * (relay/share-frame-policy.ts): the customer cannot send input.
 */
import type { ResultHandlerMap } from '../../../protocol/message';
import { WatcherToServer } from '../../../protocol/share/share-channel';
import type { Log } from '../../log';
import { admitShareFrame } from '../../relay/share-frame-policy';
import type { ShareService } from '../../share/share-service';
import type { Connection } from '../connection';
import type { Channel, ChannelSession } from '../hub';
import { Dispatcher } from './dispatch';
import { alreadyOpen, parseHello, requireProtocol } from './hello';
import { sendToWatcher } from './share-send';

export interface WatcherChannelDeps {
  share: ShareService;
  log: Log;
}

/** This channel has no requests (no ids), only messages. */
type NoResults = Record<never, never>;

export function watcherChannel(deps: WatcherChannelDeps): Channel {
  const { share } = deps;
  const handlers: ResultHandlerMap<WatcherToServer, void, NoResults> = {
    'share.watch': () => alreadyOpen(),
  };

  return {
    name: 'watcher',
    firstTypes: ['share.watch'],
    async open(conn: Connection, text: string): Promise<ChannelSession> {
      const hello = parseHello(WatcherToServer, text, 'share.watch');
      requireProtocol(hello.protocol);
      const { peer, welcome } = await share.watch(hello.requestToken, conn);
      sendToWatcher(conn, welcome);
      const dispatcher = new Dispatcher('watcher', conn, WatcherToServer, handlers, undefined, deps.log);
      return {
        onText: (t) => dispatcher.onText(t),
        onBinary: (data) =>
          dispatcher.onBinary(data.byteLength, () => {
            if (admitShareFrame('watcher', peer, data, share.relay.flow)) share.relay.forward(peer, data);
          }),
        onClose: () => share.watcherClosed(peer),
      };
    },
  };
}
