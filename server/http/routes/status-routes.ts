/**
 * GET /api/v1/status (JSON for monitors) and GET /status (a page a person can read: is the
 * service up, how many agents are online). The FAQ's "cannot connect to server" answer sends
 * people to a status page: this is it.
 */
import type { StatusResponse } from '../../../protocol/http-api';
import type { ServerContext } from '../../context';
import { escapeHtml, sendHtml, sendJson } from '../respond';
import type { Router } from '../router';

export const SERVER_VERSION = '0.1.0';

export interface LiveCounts {
  agentsOnline(): number;
  sessionsActive(): number;
  queued(): number;
}

export function registerStatusRoutes(router: Router, ctx: ServerContext, counts: LiveCounts): void {
  const status = (): StatusResponse => ({
    status: 'ok',
    version: SERVER_VERSION,
    uptimeSeconds: Math.round((ctx.now() - ctx.startedAt) / 1000),
    store: ctx.store.kind,
    agentsOnline: counts.agentsOnline(),
    sessionsActive: counts.sessionsActive(),
    queued: counts.queued(),
  });
  router.add('GET', '/api/v1/status', ({ res }) => sendJson(res, 200, status()));
  router.add('GET', '/status', ({ res }) => {
    const s = status();
    const rows = [
      ['Service', 'Operational'],
      ['Version', s.version],
      ['Up for', `${Math.floor(s.uptimeSeconds / 3600)} h ${Math.floor((s.uptimeSeconds % 3600) / 60)} min`],
      ['Agents online', String(s.agentsOnline)],
      ['Sessions in progress', String(s.sessionsActive)],
      ['Customers waiting', String(s.queued)],
    ]
      .map(([k, v]) => `<tr><th>${escapeHtml(k!)}</th><td>${escapeHtml(v!)}</td></tr>`)
      .join('');
    sendHtml(
      res,
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lifeline service status</title></head>` +
        `<body><h1>Lifeline service status</h1><p id="overall">All systems operational.</p><table>${rows}</table>` +
        `<p>Machine-readable: <a href="/api/v1/status">/api/v1/status</a></p></body></html>`,
    );
  });
}
