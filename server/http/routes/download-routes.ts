/**
 * The helper downloads:
 *   GET /downloads/helper/:system           the helper for that system, knowing this server
 *   GET /downloads/helper/:system/:ticket   the same, bound to the customer's request: the file
 *                                           carries the ticket, so the first start joins the
 *                                           session with no code typed
 * The file carries a trailer (protocol/download-trailer.ts) with this server's address, the
 * ticket and the customer's language, assembled per request by server/downloads/helper-package.ts.
 * A system without a helper, an expired, used or unknown link, and a server where the helper is
 * not built get a page in the customer's language that says what to do, never a file that would
 * fail on their machine. Serving a bound download tells the agent ("the customer is downloading").
 * A client that accepts gzip gets the Windows .exe with Content-Encoding: gzip (fewer bytes on the
 * wire; the browser saves the same file); the Linux tar.gz is compressed already.
 */
import type { IncomingMessage } from 'node:http';
import { Token } from '../../../protocol/common';
import { encodeTrailer } from '../../../protocol/download-trailer';
import { ProtocolError } from '../../../protocol/errors';
import type { Language } from '../../../protocol/i18n/language';
import { acceptLanguage, DOWNLOAD_WORDS } from '../../downloads/download-words';
import { HelperPackageMissing, bodyStream, type HelperPackage } from '../../downloads/helper-package';
import type { Log } from '../../log';
import type { DownloadTickets } from '../../screen/download-tickets';
import { escapeHtml, sendHtml } from '../respond';
import type { Router } from '../router';

/** Names the not-available page uses for systems without a helper (the customer's own words). */
const SYSTEM_NAMES: Record<string, string> = {
  windows: 'Windows',
  macos: 'macOS',
  linux: 'Linux',
  chromeos: 'ChromeOS',
  android: 'Android',
  ios: 'iOS',
};

export interface DownloadRouteDeps {
  /** The helper for each system that has one (server/downloads/helper-systems.ts). */
  packages: ReadonlyMap<string, HelperPackage>;
  tickets: DownloadTickets;
  /** The language the customer chose for this session, if any. */
  languageOf(sessionId: string): Promise<Language | null>;
  /** A bound download is being served (the agent is told). */
  onDownload(sessionId: string, system: string): void;
  /** The address customers reach this server at, when configured (else taken from the request). */
  publicUrl?: string;
  tls: boolean;
  log: Log;
}

function page(lang: Language, status: number, heading: string, body: string) {
  const w = DOWNLOAD_WORDS[lang];
  return {
    status,
    html:
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(w.title)}</title></head><body>` +
      `<h1>${escapeHtml(heading)}</h1><p>${escapeHtml(body)}</p></body></html>`,
  };
}

/** This server's origin as the customer reached it (Host, and the proxy's X-Forwarded-Proto). */
export function requestOrigin(req: IncomingMessage, tls: boolean, publicUrl?: string): string | null {
  if (publicUrl) return new URL(publicUrl).origin;
  const host = req.headers.host ?? '';
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) || host.length > 260)
    return null;
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]!
    .trim();
  const scheme = tls || forwarded === 'https' ? 'https' : 'http';
  return `${scheme}://${host.toLowerCase()}`;
}

/** Whether an Accept-Encoding header accepts gzip (by name or `*`, with a q above 0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = (Array.isArray(header) ? header.join(',') : (header ?? '')).slice(0, 1024).toLowerCase();
  let star = false;
  for (const item of text.split(',')) {
    const [name, ...params] = item.split(';').map((p) => p.trim());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    const ok = Number.isFinite(weight) && weight > 0;
    if (name === 'gzip' || name === 'x-gzip') return ok;
    if (name === '*') star = ok;
  }
  return star;
}

export function registerDownloadRoutes(router: Router, deps: DownloadRouteDeps): void {
  const serve = async (
    ctx: Parameters<Parameters<Router['add']>[2]>[0],
    ticketText: string | null,
  ): Promise<void> => {
    const { req, res, params, address } = ctx;
    const system = params.system ?? '';
    let lang = acceptLanguage(req.headers['accept-language']);
    const words = () => DOWNLOAD_WORDS[lang];
    const send = (p: { status: number; html: string }) => sendHtml(res, p.status, p.html);

    const pkg = deps.packages.get(system);
    if (!pkg) {
      const name = SYSTEM_NAMES[system] ?? system.slice(0, 40);
      send(page(lang, 404, words().notAvailableHeading(name), words().notAvailableBody));
      return;
    }
    let ticket: string | undefined;
    let sessionId: string | null = null;
    if (ticketText !== null) {
      const parsed = Token.safeParse(ticketText);
      let found: Awaited<ReturnType<DownloadTickets['lookup']>> = null;
      try {
        found = parsed.success ? await deps.tickets.lookup(parsed.data, address) : null;
      } catch (err) {
        if (!(err instanceof ProtocolError) || err.code !== 'too_many_attempts') throw err;
        const seconds = Number(err.details?.retryAfterSeconds ?? 60);
        send(page(lang, 429, words().tooManyHeading, words().tooManyBody(seconds)));
        return;
      }
      if (!found) {
        send(page(lang, 404, words().linkUnknownHeading, words().linkUnknownBody));
        return;
      }
      lang = (await deps.languageOf(found.sessionId)) ?? lang;
      if (found.state !== 'live') {
        send(page(lang, 410, words().linkExpiredHeading, words().linkExpiredBody));
        return;
      }
      ticket = parsed.data;
      sessionId = found.sessionId;
    }
    const server = requestOrigin(req, deps.tls, deps.publicUrl);
    if (!server) {
      send(page(lang, 400, words().linkUnknownHeading, words().linkUnknownBody));
      return;
    }
    let body;
    try {
      body = await pkg.body(
        encodeTrailer({ server, ...(ticket ? { ticket } : {}), ...(sessionId ? { language: lang } : {}) }),
        { gzip: acceptsGzip(req.headers['accept-encoding']) },
      );
    } catch (err) {
      if (!(err instanceof HelperPackageMissing)) throw err;
      send(page(lang, 503, words().notBuiltHeading, words().notBuiltBody(pkg.spec.build)));
      return;
    }
    res.writeHead(200, {
      'Content-Type': pkg.spec.contentType,
      'Content-Length': body.length,
      'Content-Disposition': `attachment; filename="${pkg.spec.fileName}"`,
      // Bound downloads are one customer's: never cached by a proxy or the browser.
      'Cache-Control': 'no-store',
      Vary: 'Accept-Encoding',
      ...(body.gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    if (sessionId) deps.onDownload(sessionId, system);
    bodyStream(body.parts)
      .on('error', (err: unknown) => {
        deps.log.warn('helper_download_failed', { system, error: String(err) });
        res.destroy();
      })
      .pipe(res);
  };

  router.add('GET', '/downloads/helper/:system', (ctx) => serve(ctx, null));
  router.add('GET', '/downloads/helper/:system/:ticket', (ctx) => serve(ctx, ctx.params.ticket ?? ''));
}
