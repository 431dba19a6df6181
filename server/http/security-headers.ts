/**
 * Headers on every HTTP response. Pages get a strict CSP: scripts and styles from this origin
 * only (no inline script), connections to this origin (ws/wss included), no framing. When the
 * server speaks TLS itself, Strict-Transport-Security tells browsers to use https only for
 * HSTS_MAX_AGE_S (behind a TLS-terminating proxy, the proxy sets it: docs/deployment.md).
 */
import type { ServerResponse } from 'node:http';

export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** How long browsers keep to https once they have seen the server over TLS, in seconds (one year). */
export const HSTS_MAX_AGE_S = 365 * 24 * 3600;

export function setSecurityHeaders(res: ServerResponse, tls = false): void {
  if (tls) res.setHeader('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE_S}`);
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}
