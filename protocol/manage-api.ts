/**
 * Bodies and views of the management API under /api/v1/manage (docs/api.md), beyond the first
 * ones in http-api.ts: account links (invitations, password resets), sign-ins, portals with
 * colours, session reports with their history, the dashboard's figures, the audit log with its
 * hash chain, API tokens and webhooks. The server validates requests with these schemas and
 * builds responses to them; the management center parses every answer with them.
 */
import * as z from 'zod';
import { AgentRef, ChatLine, Email, Id, PersonName, Slug, Timestamp, Title } from './common';
import { Password } from './http-api';

/** Most rows one page of a list returns. */
export const PAGE_MAX_ROWS = 500;
/** Rows in one CSV export, at most. */
export const CSV_MAX_ROWS = 50_000;
/** Longest period the dashboard computes over, in ms (a year and a day). */
export const STATS_MAX_PERIOD_MS = 366 * 24 * 3600_000;
/** Longest search text, in characters. */
export const SEARCH_MAX_CHARS = 200;
/** Longest webhook URL, in characters. */
export const WEBHOOK_URL_MAX_CHARS = 2000;

export const Language = z.enum(['en', 'fr']);

/** `#rrggbb`, lowercased. */
export const Colour = z
  .string()
  .max(7)
  .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
  .transform((c) => c.toLowerCase());

const page = {
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX_ROWS).default(50),
};
const period = {
  from: z.coerce.number().int().min(0).max(8.64e15).optional(),
  to: z.coerce.number().int().min(0).max(8.64e15).optional(),
};

// --- account links ---

/** POST /api/v1/manage/users/:id/invite and /reset-link: how the link reached the person. */
export const LinkResult = z.object({
  purpose: z.enum(['invite', 'reset']),
  expiresAt: Timestamp,
  /** true when it went out by e-mail; the link itself is then not in the answer. */
  emailed: z.boolean(),
  /** The one-time link, when it was not e-mailed (no SMTP configured, or sending failed). */
  link: z.string().max(2100).optional(),
  /** Why the e-mail could not be sent (sending was tried and failed). */
  emailError: z.string().max(500).optional(),
});
export type LinkResult = z.infer<typeof LinkResult>;

export const LinkRequest = z.object({ language: Language.default('en') });

/** POST /api/v1/manage/users: a new user is invited (no password is ever set by a manager here). */
export const InviteUserRequest = z.object({
  email: Email,
  name: PersonName,
  role: z.enum(['agent', 'manager']).default('agent'),
  portals: z.array(Slug).max(200).default([]),
  language: Language.default('en'),
});

/** POST /api/v1/account/link: what the link is for (the token travels in the body, never the URL). */
export const AccountLinkQuery = z.object({ token: Id });
export const AccountLinkInfo = z.object({
  purpose: z.enum(['invite', 'reset']),
  email: z.string(),
  name: PersonName,
  expiresAt: Timestamp,
});
export type AccountLinkInfo = z.infer<typeof AccountLinkInfo>;
/** POST /api/v1/account/password: sets the password and uses the link up. */
export const SetPasswordRequest = z.object({ token: Id, password: Password });
export const SetPasswordResult = z.object({ email: z.string(), role: z.enum(['agent', 'manager']) });

// --- sign-ins ---

export const LoginView = z.object({
  loginId: Id,
  user: AgentRef,
  role: z.enum(['agent', 'manager']),
  since: Timestamp,
  lastSeenAt: Timestamp,
  address: z.string(),
  /** Holds a seat (agents); false for managers and for agents signed in without a seat. */
  seat: z.boolean(),
  /** Has a live connection right now (the extension is open). */
  online: z.boolean(),
});
export type LoginView = z.infer<typeof LoginView>;

// --- portals ---

export const PortalPatch = z.object({ name: Title.optional(), colour: Colour.nullable().optional() });
export const CreatePortalBody = z.object({ slug: Slug, name: Title, colour: Colour.nullable().optional() });

// --- sessions ---

/**
 * `waiting` for an agent; `callback`: the customer left their details and waits to be written to;
 * `in_progress`; `completed` (an agent answered); `handled`: a callback dealt with; `left`: the
 * customer closed the page before anyone answered; `abandoned`: cancelled, or nobody answered.
 */
export const SessionOutcome = z.enum([
  'waiting',
  'callback',
  'in_progress',
  'completed',
  'handled',
  'left',
  'abandoned',
]);
export type SessionOutcome = z.infer<typeof SessionOutcome>;

export const SessionSearchQuery = z.object({
  q: z.string().max(SEARCH_MAX_CHARS).optional(),
  portal: Slug.optional(),
  agent: Id.optional(),
  outcome: SessionOutcome.optional(),
  ...period,
  ...page,
});

export const TransferEntry = z.object({
  at: Timestamp,
  from: AgentRef.nullable(),
  to: z.object({ kind: z.enum(['agent', 'portal']), ref: z.string(), name: z.string() }),
  comment: z.string(),
});
export const FileEntry = z.object({
  at: Timestamp,
  agent: AgentRef.nullable(),
  direction: z.enum(['to_customer', 'from_customer']),
  name: z.string(),
  size: z.number().int().min(0),
  sha256: z.string(),
});

export const SessionRow = z.object({
  id: Id,
  createdAt: Timestamp,
  portal: z.object({ slug: Slug, name: z.string() }),
  agents: z.array(AgentRef),
  customerName: z.string(),
  customerEmail: z.string().nullable(),
  problem: z.string(),
  system: z.string().nullable(),
  state: z.string(),
  /** `callback`: the customer left their contact details instead of waiting. */
  kind: z.enum(['live', 'callback']),
  outcome: SessionOutcome,
  acceptedAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
  endedBy: z.enum(['customer', 'agent', 'system']).nullable(),
  /** From the request to the end (or to now while open), in ms. */
  durationMs: z.number().int().min(0),
  /** From the request to the first agent's answer, in ms; null when nobody answered. */
  waitMs: z.number().int().min(0).nullable(),
  comment: z.string(),
  transfers: z.array(TransferEntry),
  files: z.array(FileEntry),
});
export type SessionRow = z.infer<typeof SessionRow>;

export const SessionPage = z.object({
  total: z.number().int().min(0),
  offset: z.number().int().min(0),
  sessions: z.array(SessionRow),
});
export type SessionPage = z.infer<typeof SessionPage>;

export const SessionDetail = z.object({ session: SessionRow, transcript: z.array(ChatLine) });
export type SessionDetail = z.infer<typeof SessionDetail>;

export const CommentBody = z.object({ comment: z.string().max(8000) });

/** Live sessions: queued and in progress now. */
export const LiveSessions = z.object({ sessions: z.array(SessionRow) });

// --- dashboard ---

export const StatsQuery = z.object({ ...period, tz: z.coerce.number().int().min(-900).max(900).default(0) });
export const Stats = z.object({
  from: Timestamp,
  to: Timestamp,
  requests: z.number().int().min(0),
  /** Requests per hour of the period, one bucket per hour from `from`. */
  requestsPerHour: z.array(z.object({ at: Timestamp, count: z.number().int().min(0) })),
  answered: z.number().int().min(0),
  /** Time until a customer was answered (accepted), in ms; null when nobody was. */
  answerMedianMs: z.number().nullable(),
  answerP90Ms: z.number().nullable(),
  abandoned: z.number().int().min(0),
  sessionsPerAgent: z.array(z.object({ agent: AgentRef, sessions: z.number().int().min(0) })),
  /** Sessions in which the customer shared their screen, and in which an agent shared theirs. */
  screenSharing: z.object({
    sessions: z.number().int().min(0),
    customerScreen: z.number().int().min(0),
    shareMyScreen: z.number().int().min(0),
  }),
});
export type Stats = z.infer<typeof Stats>;

// --- audit ---

export const AuditSearchQuery = z.object({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(200).optional(),
  ...period,
  ...page,
});
export const AuditRecordView = z.object({
  id: z.number().int(),
  at: Timestamp,
  actor: z.string(),
  /** The actor's name when the actor is a user or an API token. */
  actorName: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  address: z.string().nullable(),
  hash: z.string(),
});
export const AuditPage = z.object({
  total: z.number().int().min(0),
  offset: z.number().int().min(0),
  entries: z.array(AuditRecordView),
});
export type AuditPage = z.infer<typeof AuditPage>;
export const AuditVerifyView = z.object({
  ok: z.boolean(),
  entries: z.number().int().min(0),
  brokenAt: z.number().int().optional(),
  action: z.string().optional(),
  at: Timestamp.optional(),
  reason: z.enum(['entry_changed', 'chain_broken']).optional(),
});

// --- API tokens ---

export const ApiTokenScope = z.enum(['read', 'full']);
export const CreateApiTokenRequest = z.object({
  name: Title,
  scope: ApiTokenScope,
  /** Expiry (ms since the epoch); null never expires. */
  expiresAt: Timestamp.nullable(),
});
export const ApiTokenView = z.object({
  id: Id,
  name: z.string(),
  scope: ApiTokenScope,
  createdAt: Timestamp,
  createdBy: z.string(),
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
});
export type ApiTokenView = z.infer<typeof ApiTokenView>;
/** The token itself is in this answer only: it is stored hashed and never shown again. */
export const CreatedApiToken = z.object({ token: z.string(), view: ApiTokenView });

// --- webhooks ---

export const WebhookEventName = z.enum([
  'request.created',
  'session.accepted',
  'session.transferred',
  'session.ended',
]);
export const WebhookUrl = z
  .string()
  .max(WEBHOOK_URL_MAX_CHARS)
  .refine((u) => {
    try {
      const url = new URL(u);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '';
    } catch {
      return false;
    }
  }, 'an http(s) URL without a user name');
export const CreateWebhookRequest = z.object({
  url: WebhookUrl,
  events: z.array(WebhookEventName).min(1).max(4),
});
export const WebhookPatch = z.object({
  url: WebhookUrl.optional(),
  events: z.array(WebhookEventName).min(1).max(4).optional(),
  active: z.boolean().optional(),
});
export const WebhookView = z.object({
  id: Id,
  url: z.string(),
  events: z.array(WebhookEventName),
  active: z.boolean(),
  createdAt: Timestamp,
});
export type WebhookView = z.infer<typeof WebhookView>;
export const CreatedWebhook = z.object({ secret: z.string(), view: WebhookView });
export const DeliveryView = z.object({
  id: Id,
  event: WebhookEventName,
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int().min(0),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: Timestamp,
  nextAttemptAt: Timestamp.nullable(),
  deliveredAt: Timestamp.nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

// --- desk settings ---

/** Shortest and longest transfer timeout a manager may set, in seconds. */
export const TRANSFER_TIMEOUT_MIN_SECONDS = 15;
export const TRANSFER_TIMEOUT_MAX_SECONDS = 3600;

/**
 * GET/PUT /api/v1/manage/settings: how the desk runs. `transferTimeoutSeconds`: how long a
 * transfer (or a customer's request to continue with one agent) waits for its taker before it
 * goes back to the sender (or on to the portal's queue); 120 by default.
 */
export const DeskSettings = z.object({
  transferTimeoutSeconds: z
    .number()
    .int()
    .min(TRANSFER_TIMEOUT_MIN_SECONDS)
    .max(TRANSFER_TIMEOUT_MAX_SECONDS),
});
export type DeskSettings = z.infer<typeof DeskSettings>;
