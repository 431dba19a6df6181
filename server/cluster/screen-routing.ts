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
import { randomBytes } from 'node:crypto';
import { HelperToServer, type HelperCredential } from '../../protocol/helper-channel';
import { ProtocolError, type ErrorCode } from '../../protocol/errors';
import { ViewerToServer } from '../../protocol/viewer-channel';
import { hashToken } from '../auth/tokens';
import type { Log } from '../log';
import type { ScreenCarrier, ScreenService } from '../screen/screen-service';
import type { SessionService } from '../session/session-service';
import type { EphemeralStore } from '../store/ephemeral-store';
import { isExpired } from '../store/ephemeral-store';
import { parseHello } from '../ws/channels/hello';
import type { Channel } from '../ws/hub';
import type { UserRecord } from '../store/store';
import type { Bus } from './bus';
import { TOPICS } from './cluster-topics';
import type { LinkSigner } from './link-claims';
import { routeToOwner, sharedState, unreachable } from './route-to-owner';
import type { NodeRegistry } from './node-registry';
import type { SessionLeases } from './session-leases';

/** How long an agent's screen request passed on to the carrying node may take, in ms. */
export const ASK_TIMEOUT_MS = 5_000;
/** Requests passed on and not answered yet, at most (each holds a timer). */
const MAX_PENDING_ASKS = 1_000;

type Requested = { joinCode: string; expiresAt: number };

interface PendingAsk {
  resolve(r: Requested): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

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
  bus: Bus;
  userById(id: string): Promise<UserRecord | null>;
}

export class ScreenRouting implements ScreenCarrier {
  private readonly pending = new Map<string, PendingAsk>();

  constructor(private readonly deps: ScreenRoutingDeps) {}

  /** Answers the requests other nodes pass on here, and hears the answers to ours. */
  start(): () => void {
    const { bus, nodeId } = this.deps;
    const off = [
      bus.subscribe(TOPICS.screenAsk, (m) => {
        if (m.to === nodeId) void this.answer(m);
      }),
      bus.subscribe(TOPICS.screenAnswer, (m) => {
        const p = m.to === nodeId ? this.pending.get(m.callId) : undefined;
        if (!p) return;
        this.pending.delete(m.callId);
        clearTimeout(p.timer);
        if (m.answer.ok) p.resolve({ joinCode: m.answer.joinCode, expiresAt: m.answer.expiresAt });
        else p.reject(new ProtocolError(m.answer.code, m.answer.message));
      }),
    ];
    return () => {
      for (const o of off) o();
      for (const [callId, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new ProtocolError('unavailable', 'this server is stopping; ask again'));
        this.pending.delete(callId);
      }
    };
  }

  async carry(
    sessionId: string,
    ask: { userId: string; address: string | undefined } | null,
  ): Promise<Requested | null> {
    const owner = await this.shared(() => this.deps.leases.claim(sessionId));
    if (owner === this.deps.nodeId) return null;
    if (!ask) {
      // Passed on here, and carried elsewhere again by now: the agent asks again.
      throw new ProtocolError(
        'unavailable',
        'screen sharing for this session moved to another server node; ask again',
        { reason: 'node_elsewhere', node: owner },
      );
    }
    return this.passOn(owner, sessionId, ask);
  }

  /** The agent's request goes to the node carrying the screen, which answers on the bus. */
  private passOn(
    owner: string,
    sessionId: string,
    ask: { userId: string; address: string | undefined },
  ): Promise<Requested> {
    if (this.pending.size >= MAX_PENDING_ASKS) return Promise.reject(unreachable(owner));
    const callId = randomBytes(12).toString('base64url');
    return new Promise<Requested>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(callId);
        reject(unreachable(owner));
      }, ASK_TIMEOUT_MS);
      timer.unref();
      this.pending.set(callId, { resolve, reject, timer });
      this.deps.bus
        .publish(TOPICS.screenAsk, {
          node: this.deps.nodeId,
          to: owner,
          callId,
          sessionId,
          userId: ask.userId,
          ...(ask.address ? { address: ask.address } : {}),
        })
        .catch(() => {
          clearTimeout(timer);
          this.pending.delete(callId);
          reject(unreachable(owner));
        });
    });
  }

  /** Another node passed an agent's request on: handled here as if the agent asked here. */
  private async answer(m: {
    node: string;
    callId: string;
    sessionId: string;
    userId: string;
    address?: string | undefined;
  }): Promise<void> {
    type Answer =
      { ok: true; joinCode: string; expiresAt: number } | { ok: false; code: ErrorCode; message: string };
    let answer: Answer;
    try {
      const user = await this.deps.userById(m.userId);
      if (!user) throw new ProtocolError('not_authenticated', 'this account no longer exists');
      answer = { ok: true, ...(await this.deps.screen.request(user, m.sessionId, m.address, true)) };
    } catch (err) {
      answer =
        err instanceof ProtocolError
          ? { ok: false, code: err.code, message: err.message.slice(0, 500) }
          : {
              ok: false,
              code: 'internal_error',
              message: 'the server carrying this screen failed; try again',
            };
      if (!(err instanceof ProtocolError)) this.deps.log.error('screen_ask_failed', { error: String(err) });
    }
    await this.deps.bus
      .publish(TOPICS.screenAnswer, { node: this.deps.nodeId, to: m.node, callId: m.callId, answer })
      .catch((err: unknown) => this.deps.log.warn('bus_publish_failed', { error: String(err) }));
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
        ? routeToOwner(ch, (text) => this.helperSession(text), this.deps)
        : ch.name === 'viewer'
          ? routeToOwner(
              ch,
              async (text) => parseHello(ViewerToServer, text, 'viewer.hello').sessionId,
              this.deps,
            )
          : ch,
    );
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

  private shared<T>(op: () => Promise<T>): Promise<T> {
    return sharedState(op, this.deps.log);
  }
}
