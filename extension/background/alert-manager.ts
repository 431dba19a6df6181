/**
 * System notifications for new requests: one per waiting customer, cleared after the agent's
 * alert duration, and withdrawn at once when the request leaves the queue (another agent
 * accepted, the customer cancelled). Expiry times are persisted by the caller so a restarted
 * background still clears what an earlier instance showed.
 *
 * The notifier's calls for one alert run one after the other, in the order asked: Chrome puts a
 * notification up only once it has loaded its icon, and a clear that reaches it before then
 * removes nothing, so a request taken by a colleague the moment it arrived (both messages handled
 * back to back by a worker the machine kept waiting) left its alert up for the whole duration.
 */
import type { QueueEntry } from '../../protocol/common';
import { t } from '../lib/i18n';

/** Longest problem text put in a notification, in characters (the system truncates anyway). */
const ALERT_PROBLEM_MAX_CHARS = 200;
const ID_PREFIX = 'lifeline-request:';

export interface NotificationOptions {
  title: string;
  message: string;
  contextMessage?: string;
  requireInteraction?: boolean;
  buttons?: { title: string }[];
}

/** The slice of browser.notifications this class uses (Chrome and Firefox differ in options). */
export interface Notifier {
  create(id: string, options: NotificationOptions): Promise<void>;
  clear(id: string): Promise<void>;
  /** Ids of the notifications currently shown. */
  shown(): Promise<string[]>;
}

export interface AlertTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export function notificationIdOf(sessionId: string): string {
  return ID_PREFIX + sessionId;
}

export function sessionIdOfNotification(id: string): string | null {
  return id.startsWith(ID_PREFIX) ? id.slice(ID_PREFIX.length) : null;
}

export class AlertManager {
  private readonly timers = new Map<string, unknown>();
  /** Per session: the last notifier call asked for its alert (settled, never rejecting). */
  private readonly calls = new Map<string, Promise<void>>();

  constructor(
    private readonly notifier: Notifier,
    private readonly clock: AlertTimers & { now(): number },
    /** Called when an expiry is set or removed, to persist it. */
    private readonly onExpiryChange: (sessionId: string, expiresAt: number | null) => void,
  ) {}

  /** Shows the alert for a request for `seconds`; returns its expiry time. */
  async show(entry: QueueEntry, seconds: number): Promise<number> {
    const transfer = entry.transfer;
    const title = transfer
      ? t('alertTransferTitle', entry.customerName, transfer.fromAgent.name)
      : t('alertTitle', entry.customerName);
    const problem =
      entry.problem.length > ALERT_PROBLEM_MAX_CHARS
        ? `${entry.problem.slice(0, ALERT_PROBLEM_MAX_CHARS - 1)}…`
        : entry.problem;
    const message =
      transfer && transfer.comment.trim().length > 0
        ? t('alertTransferMessage', transfer.comment.trim(), problem)
        : problem || t('alertNoProblem');
    // Armed before the create is answered, so a withdrawal meanwhile disarms it.
    const expiresAt = this.clock.now() + seconds * 1000;
    this.arm(entry.sessionId, expiresAt);
    await this.inTurn(entry.sessionId, () =>
      this.notifier.create(notificationIdOf(entry.sessionId), {
        title,
        message,
        contextMessage: t('alertPortal', entry.portal.name),
        requireInteraction: true,
        buttons: [{ title: t('accept') }],
      }),
    );
    return expiresAt;
  }

  /** Withdraws a request's alert (accepted elsewhere, cancelled, expired). */
  async withdraw(sessionId: string): Promise<void> {
    const timer = this.timers.get(sessionId);
    if (timer !== undefined) this.clock.clear(timer);
    this.timers.delete(sessionId);
    this.onExpiryChange(sessionId, null);
    await this.inTurn(sessionId, () => this.notifier.clear(notificationIdOf(sessionId)));
  }

  async withdrawAll(): Promise<void> {
    const ids = new Set([...this.timers.keys(), ...this.calls.keys()]);
    for (const id of await this.notifier.shown()) {
      const sessionId = sessionIdOfNotification(id);
      if (sessionId) ids.add(sessionId);
    }
    await Promise.all([...ids].map((id) => this.withdraw(id)));
  }

  /** After a restart: clears expired alerts and re-arms the others. */
  async restore(expiries: Record<string, number>): Promise<void> {
    const now = this.clock.now();
    for (const [sessionId, at] of Object.entries(expiries)) {
      if (at <= now) await this.withdraw(sessionId);
      else this.arm(sessionId, at);
    }
  }

  /** Runs `step` once every earlier notifier call for this session's alert is answered. */
  private inTurn(sessionId: string, step: () => Promise<void>): Promise<void> {
    const run = (this.calls.get(sessionId) ?? Promise.resolve()).then(step);
    const settled = run.catch(() => undefined);
    this.calls.set(sessionId, settled);
    void settled.then(() => {
      if (this.calls.get(sessionId) === settled) this.calls.delete(sessionId);
    });
    return run;
  }

  private arm(sessionId: string, expiresAt: number): void {
    const old = this.timers.get(sessionId);
    if (old !== undefined) this.clock.clear(old);
    const ms = Math.max(0, expiresAt - this.clock.now());
    this.timers.set(
      sessionId,
      this.clock.set(() => {
        this.timers.delete(sessionId);
        void this.withdraw(sessionId);
      }, ms),
    );
    this.onExpiryChange(sessionId, expiresAt);
  }
}
