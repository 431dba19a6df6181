/**
 * Throttles every node applies as one: a wrong password or a wrong join code counted on one
 * node is counted on all (over the bus), so an attacker who spreads guesses over the nodes
 * behind a load balancer meets the same backoff and the same server-wide join-code budget as on
 * one node. The counts stay in each node's memory (they are checked on every attempt, so a
 * round trip to Redis per check is not worth it); a message lost while Redis is unreachable
 * loses one count on the other nodes, never a lock-out. Sign-in attempts in flight are the
 * exception: they are seats in Redis (auth/shared-attempt-slots.ts), claimed once per attempt,
 * because a burst sent to every node at once is over before any count could travel.
 */
import type { Redis } from 'ioredis';
import { SharedAttemptSlots } from '../auth/shared-attempt-slots';
import type { LoginThrottle } from '../auth/throttle';
import type { Log } from '../log';
import type { JoinCodes } from '../screen/join-codes';
import type { Bus } from './bus';
import { TOPICS } from './cluster-topics';
import { redisEphemeralStore } from './redis-ephemeral-store';

/**
 * How often the index of expired sign-in seats is swept, in ms. The seats themselves expire in
 * Redis on their own; only their index entries (a few dozen bytes each) wait for this.
 */
export const LOGIN_SEATS_SWEEP_MS = 60_000;

export function shareThrottles(
  bus: Bus,
  nodeId: string,
  login: LoginThrottle,
  joinCodes: JoinCodes,
  log: Log,
  redis: Redis,
  now: () => number,
): () => void {
  const publish = (p: Promise<void>) =>
    p.catch((err: unknown) => log.warn('bus_publish_failed', { error: String(err) }));
  const seats = redisEphemeralStore(redis);
  login.shared = new SharedAttemptSlots(seats, now);
  login.onSharedError = (err) => log.warn('login_seats_failed', { error: String(err) });
  const sweep = setInterval(() => {
    seats.sweep(now()).catch((err: unknown) => log.warn('login_seats_sweep_failed', { error: String(err) }));
  }, LOGIN_SEATS_SWEEP_MS);
  sweep.unref();
  login.onVerdict = (verdict) => publish(bus.publish(TOPICS.loginVerdict, { node: nodeId, ...verdict }));
  joinCodes.onWrong = (address) => publish(bus.publish(TOPICS.joinWrong, { node: nodeId, address }));
  const off = [
    bus.subscribe(TOPICS.loginVerdict, ({ node, accountKey, addressKey, outcome }) => {
      if (node !== nodeId) login.verdictElsewhere({ accountKey, addressKey, outcome });
    }),
    bus.subscribe(TOPICS.joinWrong, ({ node, address }) => {
      if (node !== nodeId) joinCodes.wrongElsewhere(address);
    }),
  ];
  return () => {
    clearInterval(sweep);
    login.onVerdict = null;
    login.shared = null;
    login.onSharedError = null;
    joinCodes.onWrong = null;
    for (const o of off) o();
  };
}
