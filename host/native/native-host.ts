/**
 * The native-messaging loop: reads framed requests from the browser (stdin), validates each
 * against ExtensionToHost, dispatches it through nativeHandlers, and writes replies, errors and
 * the controller's events (stdout), all validated against HostToExtension before they leave.
 *
 * Never crashes on input: malformed JSON, unknown types, invalid fields, non-UTF-8 bytes are each
 * answered with an `error` carrying a stable code (and the request id when it could be read), and
 * the loop goes on. Requests are handled one at a time, in arrival order. Two things end it:
 *   - the input ends (the browser closed the port): the controller is closed, exit NATIVE_EXIT_OK;
 *   - a length prefix over NATIVE_INBOUND_MAX_BYTES (the stream cannot be resynchronised) or input
 *     that ends inside a message: the host answers with an error, writes one line to stderr and
 *     exits NATIVE_EXIT_PROTOCOL.
 * A reply that would exceed NATIVE_OUTBOUND_MAX_BYTES is never written: an error goes instead.
 * When the controller has session notices, its file transfers go out as `host.files`
 * (file-transfer-feed.ts), so the consent window shows them.
 */
import type { Readable } from 'node:stream';
import { ProtocolError, type ErrorCode } from '../../protocol/errors';
import type { ErrorMessage } from '../../protocol/common';
import { NATIVE_INBOUND_MAX_BYTES } from '../../protocol/limits';
import type { MessageOf } from '../../protocol/message';
import { ExtensionToHost, HostToExtension, NATIVE_RESULTS } from '../../protocol/native-channel';
import { parseMessage } from '../../protocol/parse';
import { FileTransferFeed } from './file-transfer-feed';
import type { HelperController } from './helper-controller';
import { nativeHandlers, type NativeContext, type NativeHandlers } from './native-handlers';
import { NativeMessageReader, type NativeReadEvent } from './native-message-reader';
import { encodeNativeMessage } from './native-message-writer';
import type { OsDescription } from './os-info';
import type { FileChooser } from '../platform/types';

/** The browser closed the port (stdin ended). */
export const NATIVE_EXIT_OK = 0;
/** The input broke the framing beyond repair (oversized length prefix, or cut inside a message). */
export const NATIVE_EXIT_PROTOCOL = 3;

export interface NativeHostOptions {
  input: Readable;
  /** Writes bytes to the browser (stdout); resolves when they are handed to the OS. */
  write: (bytes: Uint8Array) => Promise<void>;
  controller: HelperController;
  /** The system's file chooser ("Send a file to the agent..."), null: none. */
  fileChooser?: FileChooser | null;
  /** The chooser's title in the customer's language. */
  chooserTitle?: string;
  version: string;
  os: OsDescription;
  /** One line to stderr. */
  log: (line: string) => void;
  /** Byte order of the length prefix; defaults to the machine's. */
  littleEndian?: boolean;
}

export function runNativeHost(options: NativeHostOptions): Promise<number> {
  const { input, controller, log } = options;
  const reader = new NativeMessageReader(NATIVE_INBOUND_MAX_BYTES, options.littleEndian);
  const ctx: NativeContext = {
    controller,
    version: options.version,
    os: options.os,
    log,
    ...(options.fileChooser !== undefined ? { fileChooser: options.fileChooser } : {}),
    ...(options.chooserTitle !== undefined ? { chooserTitle: options.chooserTitle } : {}),
  };
  let writes: Promise<void> = Promise.resolve();

  const send = (message: HostToExtension): Promise<void> => {
    const checked = HostToExtension.safeParse(message);
    const encoded = checked.success
      ? encodeNativeMessage(checked.data, undefined, options.littleEndian)
      : ({ ok: false, reason: `an invalid ${message.type} message` } as const);
    if (!encoded.ok) {
      log(`not sending ${encoded.reason}`);
      // Something smaller goes instead, so a request is never left unanswered: an error loses its
      // details (its only unbounded part), any other message becomes an error. A bare error that
      // still cannot go is dropped, never retried.
      if (message.type === 'error' && message.details === undefined) return writes;
      const id = 'id' in message ? message.id : undefined;
      return send({
        type: 'error',
        ...(id !== undefined ? { id } : {}),
        code:
          message.type === 'error' ? message.code : checked.success ? 'message_too_large' : 'internal_error',
        message: message.type === 'error' ? message.message : `the helper could not send ${encoded.reason}`,
      });
    }
    writes = writes
      .then(() => options.write(encoded.bytes))
      .catch((err: unknown) => {
        log(`writing to the browser failed: ${String(err)}`);
      });
    return writes;
  };

  const sendError = (code: ErrorCode, message: string, id?: string, details?: Record<string, unknown>) =>
    send({
      type: 'error',
      ...(id !== undefined ? { id } : {}),
      code,
      message: message.slice(0, 1000),
      ...(details ? { details } : {}),
    } satisfies ErrorMessage);

  const unsubscribeEvents = controller.onEvent((event) => void send(event));
  const feed = new FileTransferFeed({ send: (message) => void send(message), log });
  const unsubscribeNotices =
    controller.onNotice?.((notice) => {
      if (notice.type === 'file' && 'transfer' in notice) feed.update(notice.transfer);
      else if (notice.type === 'file.offer' && 'offer' in notice) {
        const o = notice.offer;
        void send({ type: 'host.offer', name: o.name, answer: o.answer });
      }
    }) ?? (() => undefined);
  const unsubscribe = () => {
    unsubscribeEvents();
    unsubscribeNotices();
    feed.close();
  };

  async function dispatch<K extends ExtensionToHost['type']>(msg: MessageOf<ExtensionToHost, K>) {
    // One lookup typed by K: TypeScript cannot correlate a union's member with its handler itself.
    const handler = nativeHandlers[msg.type as K] as NativeHandlers[K];
    try {
      const raw = await handler(msg, ctx);
      const result = NATIVE_RESULTS[msg.type].safeParse(raw);
      if (!result.success) {
        log(`bug: ${msg.type} produced an invalid result`);
        await sendError('internal_error', `the helper produced an invalid ${msg.type} reply`, msg.id);
        return;
      }
      await send({ type: 'reply', id: msg.id, result: result.data });
    } catch (err) {
      if (err instanceof ProtocolError) {
        await sendError(err.code, err.message, msg.id, err.details);
      } else {
        log(`bug: ${msg.type} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        await sendError('internal_error', `the helper failed to handle ${msg.type}`, msg.id);
      }
    }
  }

  return new Promise<number>((resolve) => {
    // Requests are handled one at a time, in the order they came, so the controller sees the
    // customer's actions in order and replies leave in request order.
    let queue: Promise<void> = Promise.resolve();
    const enqueue = (job: () => Promise<void>) => {
      queue = queue.then(job).catch((err: unknown) => log(`bug: ${String(err)}`));
    };
    let stopped = false;
    const stopReading = () => {
      stopped = true;
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.pause();
    };
    const finish = (code: number) =>
      enqueue(async () => {
        unsubscribe();
        await controller.close().catch((err: unknown) => log(`closing the session failed: ${String(err)}`));
        await writes;
        resolve(code);
      });

    const handleEvents = (events: NativeReadEvent[]) => {
      for (const event of events) {
        if (event.kind === 'error') {
          enqueue(() => sendError(event.code, event.message));
          if (event.fatal) {
            log(`native messaging input is broken (${event.message}); exiting`);
            stopReading();
            finish(NATIVE_EXIT_PROTOCOL);
            return;
          }
          continue;
        }
        const parsed = parseMessage(ExtensionToHost, event.text, NATIVE_INBOUND_MAX_BYTES);
        if (parsed.ok) enqueue(() => dispatch(parsed.value));
        else enqueue(() => sendError(parsed.code, parsed.message, parsed.id));
      }
    };

    const onData = (chunk: Buffer) => handleEvents(reader.push(chunk));
    const onEnd = () => {
      handleEvents(reader.end());
      if (stopped) return;
      stopReading();
      finish(NATIVE_EXIT_OK);
    };
    const onError = (err: Error) => {
      log(`reading from the browser failed: ${err.message}`);
      stopReading();
      finish(NATIVE_EXIT_OK);
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
  });
}
