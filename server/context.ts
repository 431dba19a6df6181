/**
 * What every server component receives: configuration, the store, the log, the clock and the
 * audit writer. Services (auth, presence, sessions, relay) are built on top in app.ts.
 */
import type { ServerConfig } from './config';
import { parseTrustProxy, type ProxyTrust } from './http/client-address';
import type { Log } from './log';
import type { AuditEntry, Store } from './store/store';

export interface ServerContext {
  readonly config: ServerConfig;
  /** The reverse proxies whose X-Forwarded-For is believed (config.trustProxy, parsed). */
  readonly proxies: ProxyTrust;
  readonly store: Store;
  readonly log: Log;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now(): number;
  readonly startedAt: number;
  /** Writes a privileged event to the audit log (logins, seat takeovers, transfers, account changes). */
  audit(
    entry: Omit<AuditEntry, 'at' | 'details' | 'address' | 'target'> &
      Partial<Pick<AuditEntry, 'details' | 'address' | 'target'>>,
  ): Promise<void>;
}

export function createContext(
  config: ServerConfig,
  store: Store,
  log: Log,
  now: () => number = Date.now,
): ServerContext {
  return {
    config,
    proxies: parseTrustProxy(config.trustProxy),
    store,
    log,
    now,
    startedAt: now(),
    async audit(entry) {
      await store.audit.write({
        at: now(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        details: entry.details ?? {},
        address: entry.address ?? null,
      });
    },
  };
}
