/**
 * What the background keeps across its own restarts (Chrome stops an idle service worker, Firefox
 * suspends its event page): the login in storage.local (survives the browser restarting), the
 * live picture (queue, sessions, transcripts, alerts, windows) in storage.session (survives the
 * worker stopping, not the browser). Everything read back is validated: storage is input too.
 */
import browser from 'webextension-polyfill';
import * as z from 'zod';
import {
  AgentRef,
  AgentStatus,
  ChatLine,
  Features,
  Id,
  QueueEntry,
  Role,
  SessionView,
  Timestamp,
  Token,
} from '../../protocol/common';
import { ReturnedNotice, ScreenView, SessionDetail, SignedOutNotice } from '../lib/ui-protocol';

export const Account = z.object({
  origin: z.string().max(2048),
  token: Token,
  loginId: Id,
  agent: AgentRef,
  role: Role,
});
export type Account = z.infer<typeof Account>;

export const Live = z.object({
  presence: AgentStatus,
  /** The agent's features from the last agent.welcome (null before it; older stored pictures). */
  features: Features.nullable().default(null),
  queue: z.array(QueueEntry),
  sessions: z.array(SessionView),
  /** Sessions this agent no longer holds but whose chat window is still open. */
  closed: z.record(
    z.string(),
    z.object({ reason: SessionDetail.shape.closed.unwrap(), session: SessionView }),
  ),
  delivered: z.record(z.string(), z.number().int().min(0)),
  screens: z.record(z.string(), ScreenView),
  /** Requests already alerted (a reconnect's queue snapshot must not ring again). */
  alerted: z.array(Id),
  /** Notification expiry per request, ms since the epoch. */
  alertExpiry: z.record(z.string(), Timestamp),
  /** Chat window id per session. */
  windows: z.record(z.string(), z.number().int()),
  /** Transfers that came back, per session, until the agent dismisses the notice. */
  returned: z.record(z.string(), ReturnedNotice).default({}),
  /** Signed in without a seat (from the last agent.welcome). */
  waitingForSeat: z.boolean().default(false),
});
export type Live = z.infer<typeof Live>;

export const EMPTY_LIVE: Live = {
  presence: 'available',
  features: null,
  queue: [],
  sessions: [],
  closed: {},
  delivered: {},
  screens: {},
  alerted: [],
  alertExpiry: {},
  windows: {},
  returned: {},
  waitingForSeat: false,
};

const Transcript = z.array(ChatLine);

const LOCAL = {
  account: 'account',
  lastServer: 'lastServer',
  settings: 'settings',
  notice: 'notice',
} as const;
const SESSION = { live: 'live' } as const;
const transcriptKey = (sessionId: string) => `transcript:${sessionId}`;

/** Most lines kept per transcript in storage.session (older ones are reloaded from the server). */
export const TRANSCRIPT_KEEP_LINES = 2000;

export async function loadAccount(): Promise<Account | null> {
  const raw = await browser.storage.local.get(LOCAL.account);
  const parsed = Account.safeParse(raw[LOCAL.account]);
  return parsed.success ? parsed.data : null;
}

export async function saveAccount(account: Account | null): Promise<void> {
  if (account) await browser.storage.local.set({ [LOCAL.account]: account });
  else await browser.storage.local.remove(LOCAL.account);
}

export async function loadLastServer(): Promise<string | null> {
  const raw = await browser.storage.local.get(LOCAL.lastServer);
  const value = raw[LOCAL.lastServer];
  return typeof value === 'string' && value.length <= 2048 ? value : null;
}

export async function saveLastServer(origin: string): Promise<void> {
  await browser.storage.local.set({ [LOCAL.lastServer]: origin });
}

export async function loadNotice(): Promise<SignedOutNotice | null> {
  const raw = await browser.storage.local.get(LOCAL.notice);
  const parsed = SignedOutNotice.safeParse(raw[LOCAL.notice]);
  return parsed.success ? parsed.data : null;
}

export async function saveNotice(notice: SignedOutNotice | null): Promise<void> {
  if (notice) await browser.storage.local.set({ [LOCAL.notice]: notice });
  else await browser.storage.local.remove(LOCAL.notice);
}

export async function loadStoredSettingsRaw(): Promise<unknown> {
  const raw = await browser.storage.local.get(LOCAL.settings);
  return raw[LOCAL.settings];
}

export async function saveStoredSettings(settings: unknown): Promise<void> {
  await browser.storage.local.set({ [LOCAL.settings]: settings });
}

export async function loadLive(): Promise<Live> {
  const raw = await browser.storage.session.get(SESSION.live);
  const parsed = Live.safeParse(raw[SESSION.live]);
  return parsed.success ? parsed.data : structuredClone(EMPTY_LIVE);
}

export async function saveLive(live: Live): Promise<void> {
  await browser.storage.session.set({ [SESSION.live]: live });
}

export async function loadTranscript(sessionId: string): Promise<ChatLine[] | null> {
  const key = transcriptKey(sessionId);
  const raw = await browser.storage.session.get(key);
  const parsed = Transcript.safeParse(raw[key]);
  return parsed.success ? parsed.data : null;
}

export async function saveTranscript(sessionId: string, lines: readonly ChatLine[]): Promise<void> {
  await browser.storage.session.set({ [transcriptKey(sessionId)]: lines.slice(-TRANSCRIPT_KEEP_LINES) });
}

export async function forgetTranscripts(sessionIds: readonly string[]): Promise<void> {
  if (sessionIds.length > 0) await browser.storage.session.remove(sessionIds.map(transcriptKey));
}

/** Clears everything of the live picture (sign-out). */
export async function clearLive(): Promise<void> {
  await browser.storage.session.clear();
}
