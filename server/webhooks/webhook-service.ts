/**
 * Webhooks: a manager registers a URL for some of the events `request.created`,
 * `session.accepted`, `session.transferred`, `session.ended`; each event becomes one delivery per
 * subscribed webhook, stored first (so a restart loses nothing), then POSTed as JSON signed with
 * the webhook's secret (webhook-signature.ts). A delivery that does not get a 2xx answer in
 * ATTEMPT_TIMEOUT_MS is tried again after the next delay of `retryDelaysMs` (backoff), then marked
 * failed. Every attempt's outcome is in the delivery log the management center shows.
 *
 * The dispatcher is one timer (polls due deliveries every `pollMs`) plus a kick when an event
 * arrives, with at most MAX_IN_FLIGHT requests at once.
 */
import { ProtocolError } from '../../protocol/errors';
import type { DeliveryView, SessionRow, WebhookView } from '../../protocol/manage-api';
import { newId, newToken } from '../auth/tokens';
import type { ServerContext } from '../context';
import { sessionRows } from '../reports/session-rows';
import type { SessionEvents } from '../session/session-events';
import type { DeliveryRecord, WebhookEvent, WebhookRecord } from '../store/manage-store';
import { signatureOf } from './webhook-signature';

/** Waits before the 2nd, 3rd, ... attempt, in ms: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000,
];
/** How long one delivery attempt may take, in ms. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** How often the dispatcher looks for due retries, in ms. */
export const DEFAULT_POLL_MS = 1_000;
/** Deliveries sent at once, at most. */
const MAX_IN_FLIGHT = 8;
/** Deliveries kept per webhook in the page's log. */
export const DELIVERY_LOG_ROWS = 50;
/** Longest response text kept in the log, in characters. */
const ERROR_MAX_CHARS = 300;

export interface WebhookTimings {
  retryDelaysMs: readonly number[];
  pollMs: number;
}

export function webhookView(h: WebhookRecord): WebhookView {
  return { id: h.id, url: h.url, events: [...h.events], active: h.active, createdAt: h.createdAt };
}

function deliveryView(d: DeliveryRecord): DeliveryView {
  return {
    id: d.id,
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: d.createdAt,
    nextAttemptAt: d.nextAttemptAt,
    deliveredAt: d.deliveredAt,
  };
}

export class WebhookService {
  private readonly inFlight = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly timings: WebhookTimings = {
      retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
      pollMs: DEFAULT_POLL_MS,
    },
  ) {
    this.timer = setInterval(() => this.kick(), timings.pollMs);
    this.timer.unref();
  }

  /** Turns the session service's events into deliveries. */
  listen(events: SessionEvents): () => void {
    const offs = [
      events.on('created', (e) => this.emit('request.created', e.sessionId, {})),
      events.on('accepted', (e) => this.emit('session.accepted', e.sessionId, { transfer: e.transfer })),
      events.on('transferred', (e) =>
        this.emit('session.transferred', e.sessionId, {
          to: e.to.kind === 'agent' ? { kind: 'agent', id: e.to.agentId, name: e.to.name } : e.to,
          comment: e.comment,
        }),
      ),
      // An end on another node is that node's to announce (once per deployment).
      events.on('ended', (e) => {
        if (!e.elsewhere) this.emit('session.ended', e.sessionId, { by: e.by });
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  async create(
    url: string,
    events: WebhookEvent[],
    actor: string,
  ): Promise<{ secret: string; view: WebhookView }> {
    const hook: WebhookRecord = {
      id: newId(),
      url,
      secret: `whsec_${newToken()}`,
      events: [...new Set(events)],
      active: true,
      createdBy: actor,
      createdAt: this.ctx.now(),
    };
    await this.ctx.store.manage.webhooks.insert(hook);
    await this.ctx.audit({
      actor,
      action: 'webhook.create',
      target: hook.id,
      details: { url, events: hook.events },
    });
    return { secret: hook.secret, view: webhookView(hook) };
  }

  async list(): Promise<WebhookView[]> {
    return (await this.ctx.store.manage.webhooks.list()).map(webhookView);
  }

  async update(
    id: string,
    patch: { url?: string; events?: WebhookEvent[]; active?: boolean },
    actor: string,
  ): Promise<WebhookView> {
    await this.require(id);
    await this.ctx.store.manage.webhooks.update(id, {
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.events !== undefined ? { events: [...new Set(patch.events)] } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    });
    await this.ctx.audit({ actor, action: 'webhook.update', target: id, details: { ...patch } });
    return webhookView(await this.require(id));
  }

  async remove(id: string, actor: string): Promise<void> {
    if (!(await this.ctx.store.manage.webhooks.remove(id)))
      throw new ProtocolError('not_found', 'no webhook with this id');
    await this.ctx.audit({ actor, action: 'webhook.delete', target: id });
  }

  async deliveries(id: string): Promise<DeliveryView[]> {
    await this.require(id);
    return (await this.ctx.store.manage.webhooks.deliveries(id, DELIVERY_LOG_ROWS)).map(deliveryView);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  /** Queues one delivery per active webhook that asked for this event, then sends what is due. */
  private emit(event: WebhookEvent, sessionId: string, extra: Record<string, unknown>): void {
    void (async () => {
      const hooks = (await this.ctx.store.manage.webhooks.list()).filter(
        (h) => h.active && h.events.includes(event),
      );
      if (hooks.length === 0) return;
      const record = await this.ctx.store.sessions.byId(sessionId);
      if (!record) return;
      const now = this.ctx.now();
      const [session] = await sessionRows(this.ctx.store, [record], now);
      for (const hook of hooks) {
        const id = newId();
        const payload = JSON.stringify({
          id,
          type: event,
          at: now,
          data: { session: session as SessionRow, ...extra },
        });
        await this.ctx.store.manage.webhooks.insertDelivery({
          id,
          webhookId: hook.id,
          event,
          payload,
          state: 'pending',
          attempts: 0,
          lastStatus: null,
          lastError: null,
          createdAt: now,
          nextAttemptAt: now,
          deliveredAt: null,
        });
      }
      this.kick();
    })().catch((err: unknown) => this.ctx.log.error('webhook_emit_failed', { event, error: String(err) }));
  }

  /** Sends every due delivery not already on its way (bounded). */
  private kick(): void {
    if (this.closed) return;
    void (async () => {
      const due = await this.ctx.store.manage.webhooks.dueDeliveries(this.ctx.now(), MAX_IN_FLIGHT * 4);
      for (const d of due) {
        if (this.inFlight.size >= MAX_IN_FLIGHT) break;
        if (this.inFlight.has(d.id)) continue;
        this.inFlight.add(d.id);
        this.attempt(d)
          .catch((err: unknown) => this.ctx.log.error('webhook_attempt_failed', { error: String(err) }))
          .finally(() => this.inFlight.delete(d.id));
      }
    })().catch((err: unknown) => this.ctx.log.error('webhook_dispatch_failed', { error: String(err) }));
  }

  private async attempt(d: DeliveryRecord): Promise<void> {
    const hook = await this.ctx.store.manage.webhooks.byId(d.webhookId);
    if (!hook) return;
    const attempts = d.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Lifeline-Webhooks',
          'Lifeline-Event': d.event,
          'Lifeline-Delivery': d.id,
          'Lifeline-Signature': signatureOf(hook.secret, Math.floor(this.ctx.now() / 1000), d.payload),
        },
        body: d.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      status = res.status;
      if (!res.ok)
        error = `HTTP ${res.status}: ${(await res.text().catch(() => '')).slice(0, ERROR_MAX_CHARS)}`;
      else await res.body?.cancel();
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      error = `${err instanceof Error ? err.message : String(err)}${cause}`.slice(0, ERROR_MAX_CHARS);
    }
    const now = this.ctx.now();
    if (error === null) {
      await this.ctx.store.manage.webhooks.updateDelivery(d.id, {
        state: 'delivered',
        attempts,
        lastStatus: status,
        lastError: null,
        deliveredAt: now,
        nextAttemptAt: null,
      });
      return;
    }
    const delay = this.timings.retryDelaysMs[attempts - 1];
    await this.ctx.store.manage.webhooks.updateDelivery(d.id, {
      state: delay === undefined ? 'failed' : 'pending',
      attempts,
      lastStatus: status,
      lastError: error,
      nextAttemptAt: delay === undefined ? null : now + delay,
    });
  }

  private async require(id: string): Promise<WebhookRecord> {
    const hook = await this.ctx.store.manage.webhooks.byId(id);
    if (!hook) throw new ProtocolError('not_found', 'no webhook with this id');
    return hook;
  }
}
