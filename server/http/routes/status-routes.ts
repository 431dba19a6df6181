/**
 * GET /api/v1/status (JSON for monitors: 200 while ok or degraded, 503 when down) and GET /status
 * (a page a person can read, in English or French: Accept-Language, or `?lang=` from the page's
 * own language link). Both report the real checks of server/status/ (store, disk space of the
 * data folder, WebSocket hub, relay) and, for each problem, what to do. The FAQ's "cannot connect
 * to server" answer sends people to a status page: the extension links here unless IT set a page
 * hosted elsewhere (managed policy `statusUrl`), since this one is down with the server.
 */
import type { StatusCheck, StatusResponse } from '../../../protocol/http-api';
import { isLanguage, type Language } from '../../../protocol/i18n/language';
import type { ServerContext } from '../../context';
import { acceptLanguage } from '../../downloads/download-words';
import type { ServiceStatus } from '../../status/service-status';
import { isStatusCode, STATUS_WORDS, type StatusWords } from '../../status/status-words';
import { escapeHtml, sendHtml, sendJson } from '../respond';
import type { Router } from '../router';

export const SERVER_VERSION = '0.1.0';

export interface LiveCounts {
  agentsOnline(): number;
  sessionsActive(): number;
  queued(): number;
}

const HTTP_OK = 200;
const HTTP_UNAVAILABLE = 503;
const BYTES_PER_GB = 1024 ** 3;

export function registerStatusRoutes(
  router: Router,
  ctx: ServerContext,
  counts: LiveCounts,
  checks: ServiceStatus,
): void {
  const status = async (): Promise<StatusResponse> => {
    const report = await checks.report();
    return {
      status: report.status,
      version: SERVER_VERSION,
      uptimeSeconds: Math.round((ctx.now() - ctx.startedAt) / 1000),
      store: ctx.store.kind,
      agentsOnline: counts.agentsOnline(),
      sessionsActive: counts.sessionsActive(),
      queued: counts.queued(),
      checkedAt: report.checkedAt,
      checks: report.checks,
    };
  };
  const httpCode = (s: StatusResponse) => (s.status === 'down' ? HTTP_UNAVAILABLE : HTTP_OK);
  router.add('GET', '/api/v1/status', async ({ res }) => {
    const s = await status();
    res.setHeader('Cache-Control', 'no-store');
    sendJson(res, httpCode(s), s);
  });
  router.add('GET', '/status', async ({ req, res, url }) => {
    const asked = url.searchParams.get('lang');
    const lang: Language = isLanguage(asked) ? asked : acceptLanguage(req.headers['accept-language']);
    const s = await status();
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Vary', 'Accept-Language');
    sendHtml(res, httpCode(s), statusPage(s, lang));
  });
}

function checkRow(c: StatusCheck, w: StatusWords): string {
  const finding = isStatusCode(c.code) ? w.finding[c.code] : c.code;
  const space = c.freeBytes === undefined ? '' : ` ${w.freeSpace((c.freeBytes / BYTES_PER_GB).toFixed(1))}.`;
  const detail = c.detail ? `<br><small class="detail">${escapeHtml(c.detail)}</small>` : '';
  return (
    `<tr class="check" data-check="${c.name}" data-state="${c.state}" data-code="${escapeHtml(c.code)}">` +
    `<th>${escapeHtml(w.check[c.name])}</th><td class="state">${escapeHtml(w.state[c.state])}</td>` +
    `<td>${escapeHtml(finding + space)}${detail}</td></tr>`
  );
}

function statusPage(s: StatusResponse, lang: Language): string {
  const w = STATUS_WORDS[lang];
  const other: Language = lang === 'en' ? 'fr' : 'en';
  const facts = [
    [w.rows.version, s.version],
    [w.rows.upFor, w.upFor(Math.floor(s.uptimeSeconds / 3600), Math.floor((s.uptimeSeconds % 3600) / 60))],
    [w.rows.agentsOnline, String(s.agentsOnline)],
    [w.rows.sessions, String(s.sessionsActive)],
    [w.rows.waiting, String(s.queued)],
  ]
    .map(([k, v]) => `<tr><th>${escapeHtml(k!)}</th><td>${escapeHtml(v!)}</td></tr>`)
    .join('');
  const time = new Date(s.checkedAt).toISOString().slice(11, 19);
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(w.title)}</title></head>` +
    `<body><p><a id="other-language" hreflang="${other}" href="/status?lang=${other}">${escapeHtml(w.otherLanguage)}</a></p>` +
    `<h1>${escapeHtml(w.title)}</h1>` +
    `<p id="overall" data-state="${s.status}">${escapeHtml(w.overall[s.status])}</p>` +
    `<table id="checks">${s.checks.map((c) => checkRow(c, w)).join('')}</table>` +
    `<p>${escapeHtml(w.checkedAt(time))}</p><table id="facts">${facts}</table>` +
    `<p>${escapeHtml(w.machineReadable)} <a href="/api/v1/status">/api/v1/status</a></p></body></html>`
  );
}
