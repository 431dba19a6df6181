/**
 * Throttles every node applies as one: a wrong password or a wrong join code counted on one
 * node is counted on all (over the bus), so an attacker who spreads guesses over the nodes
 * behind a load balancer meets the same backoff and the same server-wide join-code budget as on
 * one node. The counts stay in each node's memory (they are checked on every attempt, so a
 * round trip to Redis per check is not worth it); a message lost while Redis is unreachable
 * loses one count on the other nodes, never a lock-out.
 */
import type { LoginThrottle } from '../auth/throttle';
import type { Log } from '../log';
import type { JoinCodes } from '../screen/join-codes';
import type { Bus } from './bus';
import { TOPICS } from './cluster-topics';

export function shareThrottles(
  bus: Bus,
  nodeId: string,
  login: LoginThrottle,
  joinCodes: JoinCodes,
  log: Log,
): () => void {
  const publish = (p: Promise<void>) =>
    p.catch((err: unknown) => log.warn('bus_publish_failed', { error: String(err) }));
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
    login.onVerdict = null;
    joinCodes.onWrong = null;
    for (const o of off) o();
  };
}
