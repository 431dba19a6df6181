/**
 * One data-plane channel routed to the node that owns its session's room: the hello is read for
 * its session without spending anything, the room's lease (session-leases.ts) names its node, and
 * the socket is handled here when this node owns the room or nobody does (then this node claims
 * it once the hello is admitted), or forwarded to the owner over a node link
 * (node-link-session.ts) otherwise. Used for the helper's screen room (screen-routing.ts) and the
 * agent's "share my screen" room (share-routing.ts), each with its own set of leases.
 */
import { ProtocolError } from '../../protocol/errors';
import type { Log } from '../log';
import type { Channel } from '../ws/hub';
import type { LinkSigner } from './link-claims';
import { openNodeLink } from './node-link-session';
import type { NodeRegistry } from './node-registry';
import type { SessionLeases } from './session-leases';

export interface OwnerRouteDeps {
  nodeId: string;
  leases: SessionLeases;
  registry: NodeRegistry;
  signer: LinkSigner;
  log: Log;
  now: () => number;
}

export function unreachable(node: string): ProtocolError {
  return new ProtocolError(
    'unavailable',
    'the server node carrying this screen does not answer; try again in a few seconds',
    { reason: 'node_unreachable', node },
  );
}

/** Redis or the store failing: a clear, retryable refusal rather than an internal error. */
export async function sharedState<T>(op: () => Promise<T>, log: Log): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    log.warn('cluster_state_unreachable', { error: String(err) });
    throw new ProtocolError(
      'unavailable',
      "the server cannot reach the deployment's shared state; try again in a few seconds",
    );
  }
}

/**
 * `inner` routed by `sessionOf` (the session a hello names, null when it cannot be read: then
 * the local channel answers with the same error and counts the same wrong guess as on one node).
 */
export function routeToOwner(
  inner: Channel,
  sessionOf: (text: string) => Promise<string | null>,
  deps: OwnerRouteDeps,
): Channel {
  return {
    name: inner.name,
    firstTypes: inner.firstTypes,
    open: async (conn, text) => {
      const sessionId = await sessionOf(text).catch(() => null);
      if (sessionId === null) return inner.open(conn, text);
      // Read, not claimed: a hello that names a session is claimed only once it is admitted
      // (an unauthenticated hello naming random sessions writes nothing).
      const owner = await sharedState(() => deps.leases.owner(sessionId), deps.log);
      if (owner === null || owner === deps.nodeId) {
        const session = await inner.open(conn, text);
        await claimAdmitted(sessionId, deps);
        return session;
      }
      const address = await sharedState(() => deps.registry.addressOf(owner), deps.log);
      if (!address) throw unreachable(owner);
      deps.log.info('screen_forwarded', { session: sessionId, to: owner, channel: inner.name });
      return openNodeLink(conn, text, { nodeId: owner, address }, deps);
    },
  };
}

/** A room nobody held was admitted here: this node holds it now. */
async function claimAdmitted(sessionId: string, deps: OwnerRouteDeps): Promise<void> {
  const owner = await deps.leases.claim(sessionId).catch(() => null);
  // Another node admitted a socket of it at the same moment: the next reconnect meets there.
  if (owner !== deps.nodeId)
    deps.log.warn('screen_claimed_elsewhere', { session: sessionId, owner: owner ?? '' });
}
