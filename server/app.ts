/**
 * Composes one Lifeline server: store, services, HTTP routes, WebSocket hub, on one port.
 * `startServer` is what `lifeline serve` runs and what the tests start (port 0, 127.0.0.1).
 */
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { EXTENSION_ORIGINS, type ServerConfig } from './config';
import { createContext, type ServerContext } from './context';
import { sendError } from './http/respond';
import { Router } from './http/router';
import { registerStatusRoutes } from './http/routes/status-routes';
import { registerAuthRoutes } from './http/routes/auth-routes';
import { registerManageRoutes } from './http/routes/manage-routes';
import { registerSetupRoutes } from './http/routes/setup-routes';
import { FirstRunSetup } from './setup/first-run-setup';
import { setSecurityHeaders } from './http/security-headers';
import { StaticPages } from './http/static-pages';
import { createLog, type Log } from './log';
import { AuthService } from './auth/auth-service';
import { AccountService } from './accounts/account-service';
import { openSqliteStore } from './store/sqlite/sqlite-store';
import type { Store } from './store/store';
import { attachHub, type Channel, type Hub } from './ws/hub';
import { createOriginPolicy } from './ws/origin';
import { registerPortalRoutes } from './http/routes/portal-routes';
import { registerDownloadRoutes } from './http/routes/download-routes';
import { helperPackages } from './downloads/helper-systems';
import { createSupportWorkflow, type SupportWorkflow, type WorkflowOptions } from './support-workflow';

export interface RunningServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly ctx: ServerContext;
  readonly store: Store;
  readonly hub: Hub;
  readonly services: Services;
  /** `<url>/setup#<token>` while no manager exists (first run), else null. Printed by `serve`. */
  readonly setupLink: string | null;
  close(): Promise<void>;
}

/** The server's services, built once per server and shared by HTTP routes, channels and the CLI. */
export interface Services {
  auth: AuthService;
  accounts: AccountService;
  /** Presence, queue, sessions, chat, screen sharing, relay and the WebSocket channels. */
  workflow: SupportWorkflow;
}

export interface StartOptions {
  log?: Log;
  now?: () => number;
  /** Use this store instead of opening the SQLite file in config.dataDir. */
  store?: Store;
  /** Shorter timings and buffer limits for tests (reconnect grace, relay water marks). */
  workflow?: Partial<WorkflowOptions>;
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLog(config.quiet ? 'warn' : 'info');
  const store = options.store ?? openSqliteStore(config.dataDir);
  const ctx = createContext(config, store, log, options.now);
  const router = new Router(log);
  const pages = new StaticPages(config.pagesDir);
  const auth = new AuthService(ctx);
  const services: Services = {
    auth,
    accounts: new AccountService(ctx, auth),
    workflow: createSupportWorkflow(ctx, auth, options.workflow),
  };

  // --- HTTP routes (one register function per area) ---

  registerStatusRoutes(router, ctx, services.workflow.liveCounts);
  registerPortalRoutes(router, services.workflow.sessions);
  const packages = helperPackages(config.downloadsDir, log);
  for (const p of packages.values()) p.warm();
  registerDownloadRoutes(router, {
    packages,
    tickets: services.workflow.screen.tickets,
    languageOf: (sessionId) => services.workflow.sessions.languageOf(sessionId),
    onDownload: (sessionId, system) => services.workflow.screen.downloaded(sessionId, system),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    tls: Boolean(config.tls),
    log,
  });
  registerAuthRoutes(router, ctx, auth);
  registerManageRoutes(router, ctx, services);
  const setup = new FirstRunSetup(ctx, services.accounts, auth);
  const setupToken = await setup.prepare();
  registerSetupRoutes(router, setup, pages);

  // --- WebSocket channels (agent, customer, helper, viewer) ---
  const channels: Channel[] = services.workflow.channels;
  await services.workflow.load();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const address = req.socket.remoteAddress ?? 'unknown';
    router
      .handle(req, res, url, address)
      .then((handled) => {
        if (handled) return;
        if (servePages(pages, url.pathname, res)) return;
        if (url.pathname.startsWith('/api/')) sendError(res, 'not_found', `no API route ${url.pathname}`);
        else sendError(res, 'not_found', 'page not found');
      })
      .catch((err: unknown) => {
        log.error('http_failed', { error: String(err) });
        if (!res.headersSent) sendError(res, 'internal_error', 'the server failed; try again');
      });
  };

  const server: Server = config.tls
    ? createHttpsServer(
        { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
        handler,
      )
    : createHttpServer(handler);
  // Slow-loris guards: a client must send its headers and body in bounded time.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = config.tls ? 'https' : 'http';
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = config.publicUrl ?? `${scheme}://${host}:${port}`;
  const origins = createOriginPolicy([
    new URL(url).origin,
    `${scheme}://localhost:${port}`,
    `${scheme}://127.0.0.1:${port}`,
    ...EXTENSION_ORIGINS,
    ...config.extraOrigins,
  ]);
  const hub = attachHub(server, channels, origins, log);

  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    port,
    ctx,
    store,
    hub,
    services,
    setupLink: setupToken ? `${url}/setup#${setupToken}` : null,
    async close() {
      services.workflow.close();
      await hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (!options.store) await store.close();
    },
  };
}

/** Page routes: /support/<portal>, /manage, /setup and their /assets. */
function servePages(pages: StaticPages, path: string, res: ServerResponse): boolean {
  if (path.startsWith('/assets/')) return pages.serveFile(res, path.slice(1));
  if (/^\/support\/[a-z0-9-]+\/?$/.test(path)) {
    pages.servePage(res, 'support');
    return true;
  }
  if (path === '/manage' || path === '/manage/' || path === '/setup' || path === '/setup/') {
    pages.servePage(res, path.replace(/\//g, '') || 'manage');
    return true;
  }
  if (path === '/') {
    res.writeHead(302, { Location: '/status' });
    res.end();
    return true;
  }
  return false;
}
