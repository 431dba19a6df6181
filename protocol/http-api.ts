/**
 * Bodies of the HTTP API under /api/v1 (docs/api.md). Requests are validated with these schemas
 * after the body size check; responses are built to these types (`satisfies`) by the server.
 */
import * as z from 'zod';
import {
  AgentRef,
  Email,
  Features,
  FeaturesPatch,
  Id,
  PersonName,
  ProblemText,
  Role,
  Slug,
  Title,
  Token,
  Timestamp,
  TransferInfo,
} from './common';
import { CustomerSessionView, NewRequest } from './customer-channel';
import { PASSWORD_MAX_CHARS } from './limits';

/** Passwords are checked for length only here; strength rules live with the account code. */
export const Password = z.string().min(1).max(PASSWORD_MAX_CHARS);

// POST /api/v1/auth/login
export const LoginRequest = z.object({
  email: Email,
  password: Password,
  /** Ends this other login to take its seat (after a 409 seat_limit_reached). */
  replace: Id.optional(),
  /**
   * Sign in without a seat when none is free (after a 409 seat_limit_reached): the agent sees
   * and takes nothing until a seat frees; then the server gives them one (`seat.granted`).
   */
  waitForSeat: z.boolean().optional(),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginResponse = z.object({
  token: Token,
  loginId: Id,
  agent: AgentRef,
  role: Role,
  /** Signed in without a seat (`waitForSeat`): no requests until one frees. */
  waitingForSeat: z.boolean().optional(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/** details of a 409 seat_limit_reached: who holds the seats, so the agent can pick one to end. */
export const SeatHolder = z.object({
  loginId: Id,
  name: PersonName,
  email: z.string().max(254),
  since: Timestamp,
});
export type SeatHolder = z.infer<typeof SeatHolder>;

// POST /api/v1/setup (one-time, while no manager exists)
export const SetupRequest = z.object({
  setupToken: Token,
  companyName: Title,
  name: PersonName,
  email: Email,
  password: Password,
});
export type SetupRequest = z.infer<typeof SetupRequest>;

// POST /api/v1/portals/:slug/requests
export const CreateRequestBody = NewRequest;
export const CreateRequestResponse = z.object({
  requestToken: Token,
  session: CustomerSessionView,
  /** Present when nobody is available right now: the request waits, the page says so. */
  notice: z.literal('no_agents_online').optional(),
});
export type CreateRequestResponse = z.infer<typeof CreateRequestResponse>;

// GET /api/v1/portals/:slug (the support page asks before showing its form)
export const PortalInfoResponse = z.object({
  slug: Slug,
  name: Title,
  /** Accent colour the portal's page uses (#rrggbb), when the manager chose one. */
  colour: z
    .string()
    .regex(/^#[0-9a-f]{6}$/)
    .optional(),
  /** Agents serving this portal who are signed in and available right now. */
  agentsAvailable: z.number().int().min(0),
});
export type PortalInfoResponse = z.infer<typeof PortalInfoResponse>;

// GET /api/v1/status (200 while "ok" or "degraded", 503 when "down": monitors read the code)
export const StatusState = z.enum(['ok', 'degraded', 'down']);
export type StatusState = z.infer<typeof StatusState>;
/** What each check looks at (server/status/status-checks.ts). */
export const StatusCheckName = z.enum(['store', 'disk', 'hub', 'relay']);
export type StatusCheckName = z.infer<typeof StatusCheckName>;
export const StatusCheck = z.object({
  name: StatusCheckName,
  state: StatusState,
  /** Stable code of what was found (`store_ok`, `store_unreachable`, `disk_low`, ...). */
  code: z.string().max(64),
  /** The failure as the system reported it (English, for the operator), when there is one. */
  detail: z.string().max(500).optional(),
  /** Disk check only: free bytes for the data folder. */
  freeBytes: z.number().min(0).optional(),
  /** Relay check only: sessions with a live data plane, and peers paused by backpressure. */
  rooms: z.number().int().min(0).optional(),
  paused: z.number().int().min(0).optional(),
});
export type StatusCheck = z.infer<typeof StatusCheck>;
export const StatusResponse = z.object({
  /** The worst of the checks. */
  status: StatusState,
  version: z.string(),
  uptimeSeconds: z.number(),
  store: z.string(),
  agentsOnline: z.number().int(),
  sessionsActive: z.number().int(),
  queued: z.number().int(),
  /** When the checks ran (they are reused for a few seconds: STATUS_REUSE_MS). */
  checkedAt: z.number(),
  checks: z.array(StatusCheck),
});
export type StatusResponse = z.infer<typeof StatusResponse>;

// Management API (manager token)
export const UserView = z.object({
  id: Id,
  email: z.string(),
  name: PersonName,
  role: Role,
  state: z.enum(['invited', 'active', 'deactivated']),
  features: Features,
  portals: z.array(Slug),
  createdAt: Timestamp,
  /** Signed in with a live connection now (management API lists only). */
  online: z.boolean().optional(),
  /** The unused invitation or reset link, when there is one (management API lists only). */
  pendingLink: z
    .object({ purpose: z.enum(['invite', 'reset']), expiresAt: Timestamp })
    .nullable()
    .optional(),
});
export type UserView = z.infer<typeof UserView>;

export const CreateUserRequest = z.object({
  email: Email,
  name: PersonName,
  role: Role,
  password: Password.optional(),
  active: z.boolean().default(true),
});
export const UpdateUserRequest = z.object({
  name: PersonName.optional(),
  role: Role.optional(),
  state: z.enum(['active', 'deactivated']).optional(),
  features: FeaturesPatch.optional(),
  password: Password.optional(),
});
/** `seats: null` lifts the limit (as `lifeline seats set unlimited`). */
export const SeatsRequest = z.object({ seats: z.number().int().min(1).max(100_000).nullable() });
export const CreatePortalRequest = z.object({ slug: Slug, name: Title });
export const AssignPortalRequest = z.object({ email: Email });
export const SessionReportQuery = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const ProblemField = ProblemText;

// --- Sign-in, first-run setup and management views (docs/api.md) ---

/** GET /api/v1/auth/me: who a token belongs to, what they may do and which portals they serve. */
export const MeResponse = z.object({
  loginId: Id,
  agent: AgentRef,
  role: Role,
  features: Features,
  portals: z.array(z.object({ slug: Slug, name: Title })),
});
export type MeResponse = z.infer<typeof MeResponse>;

/** GET /api/v1/setup while no manager exists (404 afterwards). POST answers with a LoginResponse. */
export const SetupStatus = z.object({ needed: z.boolean() });
export type SetupStatus = z.infer<typeof SetupStatus>;

/** GET/PUT /api/v1/manage/seats: the limit (null = unlimited) and the agents holding seats now. */
export const SeatsView = z.object({
  seats: z.number().int().nullable(),
  inUse: z.number().int().min(0),
  loggedIn: z.array(SeatHolder),
});
export type SeatsView = z.infer<typeof SeatsView>;

export const PortalView = z.object({
  slug: Slug,
  name: Title,
  agents: z.array(AgentRef),
  createdAt: Timestamp,
  /** The support page's accent colour (#rrggbb); null for the default. */
  colour: z.string().nullable().optional(),
  /** The support link to give customers (absolute). */
  link: z.string().optional(),
});
export type PortalView = z.infer<typeof PortalView>;

/** One row of GET /api/v1/manage/sessions (session reports, with the agent's comments). */
export const SessionReport = z.object({
  id: Id,
  portal: Slug,
  customerName: z.string(),
  customerEmail: z.string().nullable(),
  problem: z.string(),
  state: z.string(),
  agent: AgentRef.nullable(),
  comment: z.string(),
  transfer: TransferInfo.nullable(),
  createdAt: Timestamp,
  acceptedAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
  endedBy: z.enum(['customer', 'agent', 'system']).nullable(),
});
export type SessionReport = z.infer<typeof SessionReport>;

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const AuditView = z.object({
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  address: z.string().nullable(),
});
export type AuditView = z.infer<typeof AuditView>;
