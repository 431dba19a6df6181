/**
 * The bus between nodes: named topics carrying JSON messages, each topic with a zod schema that
 * every received message is checked against and rebuilt from (a message from another node is
 * still input). Publish returns once Redis took the message; delivery is at most once, in
 * order per publisher (Redis pub/sub), so it carries live notices (alerts, presence, session
 * events), never anything that must not be lost: that stays in the store.
 * LocalBus is the one-node default: the same contract, in process.
 */
import type { Redis } from 'ioredis';
import type * as z from 'zod';
import type { Log } from '../log';

export interface Topic<S extends z.ZodType> {
  readonly name: string;
  readonly schema: S;
}

export function topic<S extends z.ZodType>(name: string, schema: S): Topic<S> {
  return { name, schema };
}

export interface Bus {
  publish<S extends z.ZodType>(topic: Topic<S>, message: z.input<S>): Promise<void>;
  /** Every node's subscribers hear every message, the publisher's own included. */
  subscribe<S extends z.ZodType>(topic: Topic<S>, handler: (message: z.output<S>) => void): () => void;
  close(): Promise<void>;
}

/** Prefix of every Redis channel we use (several deployments may share one Redis). */
const CHANNEL_PREFIX = 'lifeline:bus:';

type RawHandler = (text: string) => void;

abstract class TopicBus implements Bus {
  protected readonly handlers = new Map<string, Set<RawHandler>>();

  constructor(protected readonly log: Log) {}

  abstract publish<S extends z.ZodType>(topic: Topic<S>, message: z.input<S>): Promise<void>;
  abstract close(): Promise<void>;
  protected abstract listen(channel: string): void;
  protected abstract unlisten(channel: string): void;

  subscribe<S extends z.ZodType>(topic: Topic<S>, handler: (message: z.output<S>) => void): () => void {
    const channel = CHANNEL_PREFIX + topic.name;
    const raw: RawHandler = (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        this.log.warn('bus_message_refused', { topic: topic.name, error: 'not JSON' });
        return;
      }
      const checked = topic.schema.safeParse(parsed);
      if (!checked.success) {
        this.log.warn('bus_message_refused', {
          topic: topic.name,
          error: checked.error.issues[0]?.message ?? '',
        });
        return;
      }
      handler(checked.data);
    };
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      this.listen(channel);
    }
    set.add(raw);
    return () => {
      set.delete(raw);
      if (set.size === 0) {
        this.handlers.delete(channel);
        this.unlisten(channel);
      }
    };
  }

  protected deliver(channel: string, text: string): void {
    for (const h of this.handlers.get(channel) ?? []) {
      try {
        h(text);
      } catch (err) {
        this.log.error('bus_handler_failed', { channel, error: String(err) });
      }
    }
  }
}

export class LocalBus extends TopicBus {
  async publish<S extends z.ZodType>(topic: Topic<S>, message: z.input<S>): Promise<void> {
    const text = JSON.stringify(message);
    queueMicrotask(() => this.deliver(CHANNEL_PREFIX + topic.name, text));
  }
  protected listen(): void {}
  protected unlisten(): void {}
  async close(): Promise<void> {
    this.handlers.clear();
  }
}

export class RedisBus extends TopicBus {
  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    log: Log,
  ) {
    super(log);
    sub.on('message', (channel: string, text: string) => this.deliver(channel, text));
  }

  async publish<S extends z.ZodType>(topic: Topic<S>, message: z.input<S>): Promise<void> {
    await this.pub.publish(CHANNEL_PREFIX + topic.name, JSON.stringify(message));
  }

  protected listen(channel: string): void {
    this.sub
      .subscribe(channel)
      .catch((err: unknown) => this.log.error('bus_subscribe_failed', { channel, error: String(err) }));
  }

  protected unlisten(channel: string): void {
    this.sub.unsubscribe(channel).catch(() => {});
  }

  /** Resolves once every subscription so far is active at Redis (tests; start-up). */
  async ready(): Promise<void> {
    const wanted = [...this.handlers.keys()];
    if (wanted.length > 0) await this.sub.subscribe(...wanted);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.sub.disconnect();
    this.pub.disconnect();
  }
}
