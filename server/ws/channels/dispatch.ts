/**
 * One channel connection's inbound message loop: each text message is parsed with the channel's
 * union (protocol/parse.ts: size check, JSON, schema; the value is rebuilt from declared fields),
 * dispatched through the channel's handler map, and answered: a request's result as `reply`, a
 * refusal (ProtocolError) as `error` with its stable code, anything else as `internal_error`
 * (logged). Nothing a client sends can close the socket from here: malformed and oversized
 * messages get an error and the connection stays usable.
 *
 * Messages are handled one at a time, in arrival order (chat lines keep their order, a consent
 * takes effect before the frames that follow it), so binary frames wait behind text still being
 * handled. The backlog is bounded: past MAX_BACKLOG the socket stops being read until it drains.
 */
import type * as z from 'zod';
import { ProtocolError } from '../../../protocol/errors';
import type { RequestMap, ResultHandlerMap } from '../../../protocol/message';
import { parseMessage } from '../../../protocol/parse';
import type { Log } from '../../log';
import type { Connection } from '../connection';
import { pauseReading, resumeReading } from './read-pause';

/** Messages waiting to be handled on one connection before its reading pauses. */
export const MAX_BACKLOG = 64;
/** Bytes of binary frames waiting behind text before reading pauses (frames are up to 1 MiB). */
export const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
/** Reading resumes when the backlog is back down to this many messages and a quarter of the bytes. */
export const BACKLOG_RESUME = 16;

export class Dispatcher<U extends { type: string }, Ctx, Results extends RequestMap> {
  private chain: Promise<void> = Promise.resolve();
  private backlog = 0;
  private backlogBytes = 0;
  private paused = false;

  constructor(
    private readonly channel: string,
    private readonly conn: Connection,
    private readonly schema: z.ZodType<U>,
    private readonly handlers: ResultHandlerMap<U, Ctx, Results>,
    private readonly ctx: Ctx,
    private readonly log: Log,
  ) {}

  onText(text: string): void {
    this.enqueue(0, () => this.handle(text));
  }

  /** Runs `fn` for a binary message now, or after the text messages that arrived before it. */
  onBinary(bytes: number, fn: () => void): void {
    if (this.backlog === 0) {
      fn();
      return;
    }
    this.enqueue(bytes, async () => fn());
  }

  private enqueue(bytes: number, task: () => Promise<void>): void {
    this.backlog++;
    this.backlogBytes += bytes;
    this.checkPause();
    this.chain = this.chain
      .then(task)
      .catch((err: unknown) =>
        this.log.error('ws_task_failed', { channel: this.channel, error: String(err) }),
      )
      .finally(() => {
        this.backlog--;
        this.backlogBytes -= bytes;
        this.checkPause();
      });
  }

  private checkPause(): void {
    if (!this.paused && (this.backlog >= MAX_BACKLOG || this.backlogBytes >= MAX_BACKLOG_BYTES)) {
      this.paused = true;
      pauseReading(this.conn, 'backlog');
    } else if (this.paused && this.backlog <= BACKLOG_RESUME && this.backlogBytes <= MAX_BACKLOG_BYTES / 4) {
      this.paused = false;
      resumeReading(this.conn, 'backlog');
    }
  }

  private async handle(text: string): Promise<void> {
    const parsed = parseMessage(this.schema, text);
    if (!parsed.ok) {
      this.conn.error(parsed.code, parsed.message, parsed.id);
      return;
    }
    const msg = parsed.value;
    const id = 'id' in msg && typeof msg.id === 'string' ? msg.id : undefined;
    // The map has one handler per member of U; TypeScript cannot correlate msg.type with the
    // handler's parameter type across the union, so the lookup is widened once, here.
    const handler = this.handlers[msg.type as U['type']] as unknown as (m: U, ctx: Ctx) => unknown;
    try {
      const result = await handler(msg, this.ctx);
      if (id !== undefined) this.conn.reply(id, result ?? {});
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.conn.error(err.code, err.message, id, err.details);
      } else {
        this.log.error('ws_handler_failed', { channel: this.channel, type: msg.type, error: String(err) });
        this.conn.error('internal_error', 'the server failed to handle this message; try again', id);
      }
    }
  }
}
