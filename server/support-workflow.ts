/**
 * Builds the live support workflow of one server, once: presence, the session service and its
 * chat, screen sharing with its join codes and relay, and the four WebSocket channels that speak
 * for them. app.ts registers the channels with the hub, the portal routes with the router, and
 * feeds the status page from `liveCounts`. Also keeps agent sockets honest about their logins:
 * the auth service announces logins it ends, and a periodic check catches those ended by another
 * process (the CLI on the same database), so those sockets get `signed_out` too.
 */
import type { AuthService } from './auth/auth-service';
import type { ServerContext } from './context';
import type { LiveCounts } from './http/routes/status-routes';
import { LiveFeatures } from './presence/live-features';
import { LoginSockets } from './presence/login-sockets';
import { Presence } from './presence/presence';
import { wireSignOut } from './presence/signed-out';
import { DEFAULT_FLOW_LIMITS, type FlowLimits } from './relay/flow-control';
import { DEFAULT_SCREEN_TIMINGS, ScreenService, type ScreenTimings } from './screen/screen-service';
import { ShareService } from './share/share-service';
import { agentChannel } from './ws/channels/agent-channel';
import { customerChannel } from './ws/channels/customer-channel';
import { helperChannel } from './ws/channels/helper-channel';
import { sharerChannel } from './ws/channels/sharer-channel';
import { viewerChannel } from './ws/channels/viewer-channel';
import { watcherChannel } from './ws/channels/watcher-channel';
import type { Channel } from './ws/hub';
import { ChatService } from './session/chat-service';
import { ChatFileService, type ChatFileOptions } from './session/chat-files';
import type { QueueCapLimits } from './session/queue-caps';
import {
  DEFAULT_SESSION_OPTIONS,
  SessionService,
  type SessionServiceOptions,
} from './session/session-service';
import { recordSessionHistory, systemFromUserAgent } from './reports/session-history';

/** How often live sockets re-check that their login still stands (changes made by the CLI), in ms. */
export const LOGIN_RECHECK_MS = 30_000;

export interface WorkflowOptions extends ScreenTimings, FlowLimits, SessionServiceOptions {
  loginRecheckMs: number;
  /** Files through the chat: the size limit (ServerConfig.chatFileMaxBytes) and how free space is read. */
  chatFiles?: Partial<ChatFileOptions>;
  /** Caps on waiting requests (queue-caps.ts defaults when absent; load tests raise them). */
  queueLimits?: QueueCapLimits;
}

export const DEFAULT_WORKFLOW_OPTIONS: WorkflowOptions = {
  ...DEFAULT_SCREEN_TIMINGS,
  ...DEFAULT_FLOW_LIMITS,
  ...DEFAULT_SESSION_OPTIONS,
  loginRecheckMs: LOGIN_RECHECK_MS,
};

export interface SupportWorkflow {
  readonly presence: Presence;
  readonly loginSockets: LoginSockets;
  /** Viewer and sharer sockets whose rights follow their agent's features while open. */
  readonly liveFeatures: LiveFeatures;
  readonly sessions: SessionService;
  readonly chat: ChatService;
  /** Files sent through the chat, kept until the session ends. */
  readonly chatFiles: ChatFileService;
  readonly screen: ScreenService;
  /** "Share my screen": the agent's screen to the customer, on a data plane of its own. */
  readonly share: ShareService;
  readonly channels: Channel[];
  readonly liveCounts: LiveCounts;
  /** Rebuilds the queue from the store; call once before the server takes connections. */
  load(): Promise<void>;
  close(): void;
}

export function createSupportWorkflow(
  ctx: ServerContext,
  auth: AuthService,
  overrides: Partial<WorkflowOptions> = {},
): SupportWorkflow {
  const options = { ...DEFAULT_WORKFLOW_OPTIONS, ...overrides };
  const presence = new Presence();
  const loginSockets = new LoginSockets();
  const liveFeatures = new LiveFeatures();
  const sessions = new SessionService(ctx, presence, options, options.queueLimits);
  const chat = new ChatService(ctx, sessions, presence);
  const chatFiles = new ChatFileService(ctx, sessions, presence, {
    ...(ctx.config.chatFileMaxBytes ? { maxBytes: ctx.config.chatFileMaxBytes } : {}),
    ...options.chatFiles,
  });
  const screen = new ScreenService(ctx, sessions, presence, options, options);
  const share = new ShareService(ctx, sessions, options);
  const unwire = wireSignOut(auth, loginSockets);
  const unrecord = recordSessionHistory(sessions.events, ctx.store, ctx.log);
  const log = ctx.log;

  const recheck = setInterval(() => {
    void (async () => {
      for (const loginId of loginSockets.loginIds()) {
        const ended = await auth.endedElsewhere(loginId);
        if (ended) loginSockets.signOut(ended);
      }
      // Features changed by another process (the CLI): the API's changes arrived at once.
      for (const userId of liveFeatures.userIds()) {
        const user = await ctx.store.users.byId(userId);
        if (user) liveFeatures.apply(userId, user.features);
      }
    })().catch((err: unknown) => log.error('login_recheck_failed', { error: String(err) }));
  }, options.loginRecheckMs);
  recheck.unref();

  const channels: Channel[] = [
    agentChannel({ auth, store: ctx.store, presence, loginSockets, sessions, chat, chatFiles, screen, log }),
    customerChannel({
      sessions,
      chat,
      chatFiles,
      log,
      afterWelcome: (link) => {
        share.greetCustomer(link.sessionId, link.conn);
        screen.greetCustomer(link.sessionId, link.conn);
      },
      onRequestCreated: (sessionId, conn) => {
        const system = systemFromUserAgent(conn.userAgent);
        if (system)
          ctx.store.manage.history
            .setSystem(sessionId, system)
            .catch((err: unknown) => log.error('session_system_failed', { error: String(err) }));
      },
    }),
    helperChannel({ screen, log }),
    viewerChannel({
      auth,
      screen,
      loginSockets,
      liveFeatures,
      log,
      recordFile: (file) => ctx.store.manage.history.addFile({ ...file, at: ctx.now() }),
    }),
    sharerChannel({ auth, share, loginSockets, liveFeatures, log }),
    watcherChannel({ share, log }),
  ];

  return {
    presence,
    loginSockets,
    liveFeatures,
    sessions,
    chat,
    chatFiles,
    screen,
    share,
    channels,
    liveCounts: {
      agentsOnline: () => presence.onlineCount(),
      sessionsActive: () => sessions.counts().inProgress,
      queued: () => sessions.counts().queued,
    },
    async load() {
      await sessions.load();
      // One of several nodes: another node may be carrying a session's screen right now, so a
      // node starting must not take screens over as if it had restarted alone (it would mark
      // them reconnecting and end them when no helper comes to it).
      if (!sessions.clustered) await screen.load();
      await chatFiles.load();
    },
    close() {
      clearInterval(recheck);
      unwire();
      unrecord();
      screen.close();
      sessions.close();
    },
  };
}
