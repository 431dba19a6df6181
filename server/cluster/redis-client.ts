/**
 * Connections to the Redis that carries what is live and shared between nodes (`--bus
 * redis://...`). Commands fail fast while Redis is unreachable (no unbounded offline queue: a
 * caller gets an error it can answer with, rather than a request that hangs), and the client
 * reconnects on its own with a bounded backoff. Subscriptions need a connection of their own.
 */
import { Redis } from 'ioredis';

/** Reconnect backoff: 100 ms per attempt, at most this long between attempts, in ms. */
const RECONNECT_MAX_MS = 2_000;
/** A command waits this long for a connection before failing, in ms. */
const CONNECT_TIMEOUT_MS = 5_000;
/** A command is retried this many times across reconnects before it fails. */
const MAX_RETRIES_PER_COMMAND = 2;

/** Environment variable read when `--bus` is not given. */
export const BUS_ENV = 'LIFELINE_BUS';

export function parseRedisUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('the Redis URL does not parse: redis://[:PASSWORD@]HOST:PORT[/DB]');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new Error(`unknown bus "${url.protocol}": use a redis:// or rediss:// URL`);
  return value;
}

export function connectRedis(url: string, name: string): Redis {
  const client = new Redis(url, {
    connectionName: name,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: MAX_RETRIES_PER_COMMAND,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_MAX_MS),
  });
  // Errors surface on the commands that fail; the client's own event would crash the process.
  client.on('error', () => {});
  return client;
}
