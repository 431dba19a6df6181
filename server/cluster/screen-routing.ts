/**
 * Several nodes: a session's screen is carried by one node, and its helper and viewers reach it
 * wherever the load balancer put them. The node that handles the agent's `screen.request` claims
 * the session's lease (session-leases.ts) and carries the screen: the join code, the download
 * ticket, the relay room, the resume token. A `helper.hello` or `viewer.hello` reaching another
 * node is read for its session without spending anything (the join code's and the ticket's
 * session read from the shared ephemeral store, the resume token's likewise, the request token's
 * from the store, the viewer's named in its hello), and the socket is forwarded to the carrying
 * node over a node link (node-link-session.ts), which checks the credential and spends it there,
 * once, under the client's real address. A session nobody carries (the carrier ended it, or died
 * and its lease lapsed) is handled by the node the socket reached, which claims it once the
 * hello is admitted.
 *
 * What cannot be read here (a malformed hello, an unknown code) is handled locally: the local
 * channel gives the same error and counts the same wrong guess as on one node.
 */
import { HelperToServer, type HelperCredential } from '../../protocol/helper-channel';
import { ProtocolError } from '../../protocol/errors';
import { ViewerToServer } from '../../protocol/viewer-channel';
import { hashToken } from '../auth/tokens';
import type { Log } from '../log';
import type { ScreenCarrier, ScreenService } from '../screen/screen-service';
import type { SessionService } from '../session/session-service';
import type { EphemeralStore } from '../store/ephemeral-store';
import { isExpired } from '../store/ephemeral-store';
import { parseHello } from '../ws/channels/hello';
import type { Channel } from '../ws/hub';
import type { LinkSigner } from './link-claims';
import { openNodeLink } from './node-link-session';
import type { NodeRegistry } from './node-registry';
import type { SessionLeases } from './session-leases';

export interface ScreenRoutingDeps {
  nodeId: string;
  leases: SessionLeases;
  registry: NodeRegistry;
  signer: LinkSigner;
  screen: ScreenService;
  sessions: SessionService;
  ephemeral: EphemeralStore;
  now: () => number;
  log: Log;
}

export class ScreenRouting implements ScreenCarrier {
  constructor(private readonly deps: ScreenRoutingDeps) {}

  async carry(sessionId: string): Promise<void> {
    const owner = await this.shared(() => this.deps.leases.claim(sessionId));
    if (owner !== this.deps.nodeId) {
      throw new ProtocolError(
        'unavailable',
        'screen sharing for this session is carried by another server node; ask again in a few seconds',
        { reason: 'node_elsewhere', node: owner },
      );
    }
  }

  async ticketIssued(ticket: string, sessionId: string, expiresAt: number): Promise<void> {
    await this.deps.ephemeral.put('ticket_of', hashToken(ticket), sessionId, expiresAt);
  }

  ended(sessionId: string): void {
    this.deps.leases
      .release(sessionId)
      .catch((err: unknown) => this.deps.log.warn('lease_release_failed', { error: String(err) }));
  }

  /** The channels, with the helper's and the viewer's routed to the node carrying their session. */
  route(channels: readonly Channel[]): Channel[] {
    return channels.map((ch) =>
      ch.name === 'helper'
        ? this.routed(ch, (text) => this.helperSession(text))
        : ch.name === 'viewer'
          ? this.routed(ch, async (text) => parseHello(ViewerToServer, text, 'viewer.hello').sessionId)
          : ch,
    );
  }

  private routed(inner: Channel, sessionOf: (text: string) => Promise<string | null>): Channel {
    return {
      name: inner.name,
      firstTypes: inner.firstTypes,
      open: async (conn, text) => {
        const sessionId = await sessionOf(text).catch(() => null);
        if (sessionId === null) return inner.open(conn, text);
        // Read, not claimed: a hello that names a session is claimed only once it is admitted
        // (an unauthenticated hello naming random sessions writes nothing).
        const owner = await this.shared(() => this.deps.leases.owner(sessionId));
        if (owner === null || owner === this.deps.nodeId) {
          const session = await inner.open(conn, text);
          await this.claimAdmitted(sessionId);
          return session;
        }
        const address = await this.shared(() => this.deps.registry.addressOf(owner));
        if (!address) {
          throw new ProtocolError(
            'unavailable',
            'the server node carrying this screen does not answer; try again in a few seconds',
            { reason: 'node_unreachable', node: owner },
          );
        }
        this.deps.log.info('screen_forwarded', { session: sessionId, to: owner, channel: inner.name });
        return openNodeLink(conn, text, { nodeId: owner, address }, this.deps);
      },
    };
  }

  /** A session nobody carried was admitted here: this node carries it now. */
  private async claimAdmitted(sessionId: string): Promise<void> {
    const owner = await this.deps.leases.claim(sessionId).catch(() => null);
    // Another node admitted a socket of it at the same moment: the next reconnect meets there.
    if (owner !== this.deps.nodeId)
      this.deps.log.warn('screen_claimed_elsewhere', { session: sessionId, owner: owner ?? '' });
  }

  /** The session a helper's credential names, read without spending it; null when unknown. */
  private async helperSession(text: string): Promise<string | null> {
    const { credential } = parseHello(HelperToServer, text, 'helper.hello');
    const SESSION_OF: {
      [K in HelperCredential['kind']]: (c: Extract<HelperCredential, { kind: K }>) => Promise<string | null>;
    } = {
      join: (c) => this.deps.screen.joinCodes.sessionOf(c.joinCode),
      ticket: (c) => this.live('ticket_of', hashToken(c.ticket)),
      resume: (c) => this.live('resume', hashToken(c.resumeToken)),
      page: async (c) => (await this.deps.sessions.byRequestToken(c.requestToken)).id,
    };
    return (SESSION_OF[credential.kind] as (c: HelperCredential) => Promise<string | null>)(credential);
  }

  private async live(space: 'ticket_of' | 'resume', key: string): Promise<string | null> {
    const entry = await this.deps.ephemeral.get(space, key);
    return entry && !isExpired(entry, this.deps.now()) ? entry.value : null;
  }

  /** Redis or the store failing: a clear, retryable refusal rather than an internal error. */
  private async shared<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (err instanceof ProtocolError) throw err;
      this.deps.log.warn('cluster_state_unreachable', { error: String(err) });
      throw new ProtocolError(
        'unavailable',
        "the server cannot reach the deployment's shared state; try again in a few seconds",
      );
    }
  }
}
