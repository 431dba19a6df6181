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
import { registerChatFileRoutes } from './http/routes/chat-file-routes';
import { registerStatusRoutes } from './http/routes/status-routes';
import { registerAuthRoutes } from './http/routes/auth-routes';
import { manageApiRoutes } from './http/routes/manage-api';
import { registerApiRoutes, type ApiRoute } from './http/api-route';
import { AccountLinks } from './accounts/account-links';
import { ApiTokens } from './accounts/api-tokens';
import { createMailer, type Mailer } from './mail/mailer';
import {
  DEFAULT_POLL_MS,
  DEFAULT_RETRY_DELAYS_MS,
  WebhookService,
  type WebhookTimings,
} from './webhooks/webhook-service';
import { registerSetupRoutes } from './http/routes/setup-routes';
import { FirstRunSetup } from './setup/first-run-setup';
import { setSecurityHeaders } from './http/security-headers';
import { StaticPages } from './http/static-pages';
import { createLog, type Log } from './log';
import { AuthService } from './auth/auth-service';
import { AccountService } from './accounts/account-service';
import { chooseStore, openStore } from './store/open-store';
import type { Store } from './store/store';
import { attachHub, type Channel, type Hub, type HubOptions } from './ws/hub';
import { clientAddress } from './http/client-address';
import { createOriginPolicy } from './ws/origin';
import { registerPortalRoutes } from './http/routes/portal-routes';
import { registerDownloadRoutes } from './http/routes/download-routes';
import { helperPackages } from './downloads/helper-systems';
import { registerExtensionDownloadRoutes } from './http/routes/extension-download-routes';
import { readExtensionPackageInfo } from './downloads/extension-packages';
import { createSupportWorkflow, type SupportWorkflow, type WorkflowOptions } from './support-workflow';
import { joinCluster, type ClusterMembership } from './cluster/join-cluster';
import { defaultAdvertise } from './cluster/advertise-address';
import { loadJoinCodeKey } from './screen/join-code-key';
import type { PresenceTimings } from './cluster/presence-directory';
import { ServiceStatus, type ServiceStatusDeps } from './status/service-status';
import { hubProbeTarget, type HubProbeTarget } from './status/hub-probe';

export interface RunningServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly ctx: ServerContext;
  readonly store: Store;
  readonly hub: Hub;
  readonly services: Services;
  /** This node's place among several (config.bus), or null on one node. */
  readonly cluster: ClusterMembership | null;
  /** The declared management API routes (what the OpenAPI document and the route x role tests walk). */
  readonly apiRoutes: readonly ApiRoute[];
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
  /** One-time invitation and password-reset links (e-mailed when SMTP is configured). */
  links: AccountLinks;
  apiTokens: ApiTokens;
  webhooks: WebhookService;
  mailer: Mailer;
}

export interface StartOptions {
  log?: Log;
  now?: () => number;
  /** Use this store instead of opening the one config.store names (SQLite in config.dataDir by default). */
  store?: Store;
  /** Shorter timings and buffer limits for tests (reconnect grace, relay water marks). */
  workflow?: Partial<WorkflowOptions>;
  /** Socket caps and outgoing budget of the WebSocket hub (tests shrink them). */
  hub?: Omit<HubOptions, 'proxies'>;
  /** Webhook retry delays and polling (tests shorten them). */
  webhooks?: Partial<WebhookTimings>;
  /** Presence refresh timings between nodes (tests shorten them). */
  presence?: PresenceTimings;
  /** The status checks' statfs and reuse time (tests fill a disk and see each change at once). */
  status?: Pick<ServiceStatusDeps, 'statfs' | 'reuseMs'>;
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLog(config.quiet ? 'warn' : 'info');
  const store = options.store ?? (await openStore(chooseStore(config.store, config.dataDir)));
  const ctx = createContext(config, store, log, options.now);
  const router = new Router(log);
  const pages = new StaticPages(config.pagesDir);
  const auth = new AuthService(ctx);
  // The public URL is known once the server listens; links made before then cannot happen.
  let baseUrl = config.publicUrl ?? '';
  const mailer = createMailer(config.smtp);
  const workflow = createSupportWorkflow(ctx, auth, options.workflow);
  const services: Services = {
    auth,
    accounts: new AccountService(ctx, auth),
    workflow,
    links: new AccountLinks(ctx, auth, mailer, () => baseUrl),
    apiTokens: new ApiTokens(ctx),
    webhooks: new WebhookService(ctx, {
      retryDelaysMs: options.webhooks?.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
      pollMs: options.webhooks?.pollMs ?? DEFAULT_POLL_MS,
    }),
    mailer,
  };
  services.accounts.onFeaturesChanged = (userId, features) =>
    services.workflow.liveFeatures.apply(userId, features);
  const unlistenWebhooks = services.webhooks.listen(workflow.sessions.events);

  // --- HTTP routes (one register function per area) ---

  // The hub is attached once the server listens: until then the status reports it down.
  let hubTarget: HubProbeTarget | null = null;
  const serviceStatus = new ServiceStatus({
    store,
    dataDir: config.dataDir,
    hubTarget: () => hubTarget,
    relayCounts: () => services.workflow.screen.relay.stats(),
    now: ctx.now,
    ...options.status,
  });
  registerStatusRoutes(router, ctx, services.workflow.liveCounts, serviceStatus);
  registerPortalRoutes(router, services.workflow.sessions, store);
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
  registerExtensionDownloadRoutes(router, {
    downloadsDir: config.downloadsDir,
    scheme: config.tls ? 'https' : 'http',
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  registerAuthRoutes(router, ctx, auth);
  registerChatFileRoutes(router, { files: workflow.chatFiles, sessions: workflow.sessions, auth });
  const apiRoutes = manageApiRoutes({ ctx, ...services, baseUrl: () => baseUrl });
  registerApiRoutes(router, apiRoutes, services);
  const setup = new FirstRunSetup(ctx, services.accounts, auth);
  const setupToken = await setup.prepare();
  registerSetupRoutes(router, setup, pages);

  // --- WebSocket channels (agent, customer, helper, viewer) ---
  const channels: Channel[] = services.workflow.channels;
  // Several nodes: joined before the queue loads (so it loads as one of several) and before
  // any socket arrives. An unreachable bus stops the start with the reason.
  let cluster: ClusterMembership | null = null;
  if (config.bus) {
    try {
      cluster = await joinCluster(
        workflow,
        auth.throttle,
        {
          busUrl: config.bus,
          nodeId: config.nodeId ?? 'node',
          ...(options.presence ? { presence: options.presence } : {}),
          joinCodeKey: loadJoinCodeKey(config.dataDir),
          ephemeral: store.ephemeral,
          now: ctx.now,
          userById: (id) => store.users.byId(id),
        },
        log,
      );
    } catch (err) {
      workflow.close();
      if (!options.store) await store.close();
      throw err;
    }
  }
  await services.workflow.load();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(res, Boolean(config.tls));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], ctx.proxies);
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
  baseUrl = url;
  const origins = createOriginPolicy([
    new URL(url).origin,
    `${scheme}://localhost:${port}`,
    `${scheme}://127.0.0.1:${port}`,
    ...EXTENSION_ORIGINS,
    // The extension this server hands out: built with IT's own key it has its own ID.
    ...packagedExtensionOrigins(config.downloadsDir),
    ...config.extraOrigins,
  ]);
  const hub = attachHub(server, cluster ? cluster.route(channels) : channels, origins, log, {
    ...options.hub,
    proxies: ctx.proxies,
    ...(cluster ? { forwarded: cluster.forwarded } : {}),
  });
  if (cluster) {
    const advertised = config.advertise ?? defaultAdvertise(config.host, scheme, port);
    if (advertised) await cluster.advertise(advertised);
    else log.warn('cluster_no_advertise', { why: 'listening on every address without --advertise' });
  }
  hubTarget = hubProbeTarget(config.host, scheme, port);

  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    port,
    ctx,
    store,
    hub,
    services,
    cluster,
    apiRoutes,
    setupLink: setupToken ? `${url}/setup#${setupToken}` : null,
    async close() {
      unlistenWebhooks();
      services.webhooks.close();
      services.mailer.close();
      services.workflow.close();
      await hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await cluster?.close();
      if (!options.store) await store.close();
    },
  };
}

function packagedExtensionOrigins(downloadsDir: string): string[] {
  const info = readExtensionPackageInfo(downloadsDir);
  return info ? [`chrome-extension://${info.chrome.id}`] : [];
}

/** Page routes: /support/<portal>, /manage, /setup, /activate and their /assets. */
function servePages(pages: StaticPages, path: string, res: ServerResponse): boolean {
  if (path.startsWith('/assets/')) return pages.serveFile(res, path.slice(1));
  if (/^\/support\/[a-z0-9-]+\/?$/.test(path)) {
    pages.servePage(res, 'support');
    return true;
  }
  const page = /^\/(manage|setup|activate)\/?$/.exec(path)?.[1];
  if (page) {
    pages.servePage(res, page);
    return true;
  }
  if (path === '/') {
    res.writeHead(302, { Location: '/status' });
    res.end();
    return true;
  }
  return false;
}
