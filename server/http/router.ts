/**
 * A small HTTP router: method + path pattern (`/api/v1/portals/:slug/requests`) -> handler.
 * Path parameters are matched segment by segment and URL-decoded; a handler that throws a
 * ProtocolError answers with its code, anything else with `internal_error` (and is logged).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProtocolError } from '../../protocol/errors';
import type { Log } from '../log';
import { sendError } from './respond';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  url: URL;
  /** The client's address (for throttling and the audit log). */
  address: string;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface Route {
  method: Method;
  segments: string[];
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly log: Log) {}

  add(method: Method, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** Returns false when no route matched the path (so the caller can serve static files or 404). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, address: string): Promise<boolean> {
    const parts = url.pathname.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = match(route.segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      try {
        await route.handler({ req, res, params, url, address });
      } catch (err) {
        if (res.headersSent) {
          res.destroy();
        } else if (err instanceof ProtocolError) {
          sendError(res, err.code, err.message, err.details);
        } else {
          this.log.error('http_handler_failed', { path: url.pathname, error: String(err) });
          sendError(res, 'internal_error', 'the server failed to handle this request; try again');
        }
      }
      return true;
    }
    if (pathMatched) {
      sendError(res, 'bad_request', `method ${req.method ?? ''} not allowed here`);
      return true;
    }
    return false;
  }
}

function match(segments: string[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const part = parts[i]!;
    if (seg.startsWith(':')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(part);
      } catch {
        return null;
      }
      params[seg.slice(1)] = decoded;
    } else if (seg !== part) {
      return null;
    }
  }
  return params;
}
