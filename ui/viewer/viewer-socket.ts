/**
 * The viewer window's own WebSocket to the server's /ws (protocol/viewer-channel.ts): a data-plane
 * socket (ui/data-plane/data-plane-socket.ts) that says `viewer.hello` with the agent's login
 * token and the session id. An error answering the hello closes the socket at once, and the close
 * carries that error (token, session, feature), so the session knows whether a retry can help.
 */
import { PROTOCOL_VERSION } from '../../protocol/common';
import { ServerToViewer } from '../../protocol/viewer-channel';
import {
  DataPlaneSocket,
  type CreateSocket,
  type DataPlaneSocketEvents,
} from '../data-plane/data-plane-socket';

export type { CreateSocket, SocketState, WebSocketLike } from '../data-plane/data-plane-socket';

export type ViewerWelcome = Extract<ServerToViewer, { type: 'viewer.welcome' }>;
export type ViewerPush = Exclude<ServerToViewer, { type: 'viewer.welcome' }>;
export type ViewerSocketEvents = DataPlaneSocketEvents<ViewerWelcome, ViewerPush>;

export class ViewerSocket extends DataPlaneSocket<ServerToViewer, 'viewer.welcome'> {
  constructor(
    url: string,
    hello: { token: string; sessionId: string },
    events: ViewerSocketEvents,
    create: CreateSocket = (u) => new WebSocket(u),
  ) {
    super(
      url,
      { type: 'viewer.hello', token: hello.token, sessionId: hello.sessionId, protocol: PROTOCOL_VERSION },
      ServerToViewer,
      'viewer.welcome',
      events,
      create,
    );
  }
}
