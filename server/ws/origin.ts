/**
 * Origin allowlist for WebSocket upgrades. Browsers always send Origin, so a page on another
 * site cannot open a socket here with the visitor's credentials (cross-site WebSocket hijacking).
 * Allowed: this server's own origins, our Chrome-family extension, any Firefox extension page
 * (Firefox gives each profile a random moz-extension UUID; the login token still gates them), and
 * origins the operator adds. Requests without Origin come from non-browser clients (the helper);
 * they prove themselves with a join code or token like everyone else.
 */
export interface OriginPolicy {
  isAllowed(origin: string | undefined, host: string | undefined): boolean;
}

export function createOriginPolicy(allowed: readonly string[]): OriginPolicy {
  const exact = new Set(allowed.map((o) => o.replace(/\/$/, '').toLowerCase()));
  return {
    isAllowed(origin, host) {
      if (origin === undefined) return true;
      const o = origin.toLowerCase();
      if (exact.has(o)) return true;
      if (/^moz-extension:\/\/[0-9a-f-]{36}$/.test(o)) return true;
      // Same origin as the Host the browser connected to (covers any name the server is reached by).
      if (host && (o === `http://${host.toLowerCase()}` || o === `https://${host.toLowerCase()}`))
        return true;
      return false;
    },
  };
}
