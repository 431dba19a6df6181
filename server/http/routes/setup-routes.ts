/**
 * First-run setup over HTTP, open only while no manager exists (server/setup/first-run-setup.ts):
 *   GET  /api/v1/setup  -> 200 {needed: true}
 *   POST /api/v1/setup  {setupToken, companyName, name, email, password} -> 201 LoginResponse
 *   GET  /setup         -> the setup page (the built one, else a small built-in page)
 * Once a manager exists, all three (and the page's script) answer 404, whoever asks.
 */
import type { ServerResponse } from 'node:http';
import { SetupRequest, type LoginResponse, type SetupStatus } from '../../../protocol/http-api';
import type { FirstRunSetup } from '../../setup/first-run-setup';
import { SETUP_PAGE_HTML, SETUP_SCRIPT, SETUP_SCRIPT_PATH } from '../../setup/setup-page';
import { sendError, sendHtml, sendJson } from '../respond';
import type { Router } from '../router';
import type { StaticPages } from '../static-pages';
import { readValidBody } from '../validated-input';

export function registerSetupRoutes(router: Router, setup: FirstRunSetup, pages: StaticPages): void {
  const gone = (res: ServerResponse, api: boolean) =>
    api
      ? sendError(res, 'setup_already_done', 'setup is done; sign in instead')
      : sendError(res, 'not_found', 'page not found');

  router.add('GET', '/api/v1/setup', async ({ res }) => {
    if (!(await setup.open())) return gone(res, true);
    sendJson(res, 200, { needed: true } satisfies SetupStatus);
  });

  router.add('POST', '/api/v1/setup', async ({ req, res, address }) => {
    // Sealed first: once done, nobody learns anything more from this route than a 404.
    if (!(await setup.open())) return gone(res, true);
    const body = await readValidBody(req, res, SetupRequest);
    const login = await setup.complete(body, address);
    sendJson(res, 201, login satisfies LoginResponse);
  });

  router.add('GET', '/setup', async ({ res }) => {
    if (!(await setup.open())) return gone(res, false);
    if (pages.serveFile(res, 'setup/index.html')) return;
    sendHtml(res, 200, SETUP_PAGE_HTML);
  });

  router.add('GET', SETUP_SCRIPT_PATH, async ({ res }) => {
    if (!(await setup.open())) return gone(res, false);
    res.writeHead(200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Content-Length': Buffer.byteLength(SETUP_SCRIPT),
      'Cache-Control': 'no-store',
    });
    res.end(SETUP_SCRIPT);
  });
}
