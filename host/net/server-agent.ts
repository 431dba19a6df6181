/**
 * How the helper's WebSocket reaches the server: directly, or through the proxy the environment
 * or the system names (proxy-config.ts), tunnelled with CONNECT (tunnel-agent.ts). A proxy
 * configuration that cannot be used (an https:// or socks:// proxy, a malformed address) is not
 * silently ignored: the connection fails with the reason, which the customer is shown.
 */
import type { Agent } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import { proxyFor, type SystemProxySettings } from './proxy-config';
import { proxyLabel, TunnelAgent } from './tunnel-agent';

export interface NetworkOptions {
  /** Where HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The system's proxy settings, where the platform has them (Windows); null: none. */
  systemProxy?: SystemProxySettings | null;
  /** TLS options for wss inside a tunnel (tests pass the CA of their self-signed server). */
  tls?: ConnectionOptions;
}

export interface Route {
  /** The agent for `ws`, undefined to connect directly. */
  agent: Agent | undefined;
  /** "http://proxy:3128" when going through a proxy (for messages), else null. */
  proxy: string | null;
}

/** The route to the WebSocket at `socketUrl` (ws: or wss:). Throws ProxyConfigError. */
export function routeTo(socketUrl: string, options: NetworkOptions = {}): Route {
  const target = new URL(socketUrl);
  const choice = proxyFor(target, options.env ?? process.env, options.systemProxy ?? null);
  if (!choice) return { agent: undefined, proxy: null };
  const secure = target.protocol === 'wss:';
  return {
    agent: new TunnelAgent(choice.url, secure ? { ...(options.tls ?? {}) } : null),
    proxy: proxyLabel(choice.url),
  };
}
