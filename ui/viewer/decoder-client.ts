/**
 * The main thread's handle on the decoder worker (worker/decoder-worker.ts): posts decrypted
 * `screen` payloads in order (their buffers transferred, so no copy), and turns the worker's
 * checked answers into calls: a new picture size, painted rectangles to present, a message
 * applied (to acknowledge), or a decode failure. Anything malformed from the worker is reported
 * as a failure, never painted.
 */
import { FromDecoder, rectIsConsistent, type DirtyRect, type ToDecoder } from './worker/worker-messages';

/** The parts of a Worker used here (tests pass a port running DecoderCore in-process). */
export interface DecoderPort {
  postMessage(message: ToDecoder, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  terminate(): void;
}

export interface DecoderEvents {
  reset(width: number, height: number): void;
  present(rects: DirtyRect[]): void;
  applied(seq: number, decodeMs: number): void;
  failed(code: string, message: string): void;
}

export class DecoderClient {
  private closed = false;

  constructor(
    private readonly port: DecoderPort,
    private readonly events: DecoderEvents,
  ) {
    port.onmessage = (event) => this.onMessage(event.data);
  }

  /** Hands one screen payload to the worker; the caller must not use `payload` afterwards. */
  screen(payload: Uint8Array): void {
    if (this.closed) return;
    const own =
      payload.buffer instanceof ArrayBuffer &&
      payload.byteOffset === 0 &&
      payload.byteLength === payload.buffer.byteLength
        ? payload.buffer
        : payload.slice().buffer;
    this.port.postMessage({ type: 'screen', payload: own }, [own]);
  }

  /** The stream broke: the worker forgets it and waits for a RESET. */
  restart(): void {
    if (!this.closed) this.port.postMessage({ type: 'restart' }, []);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.onmessage = null;
    this.port.terminate();
  }

  private onMessage(data: unknown): void {
    if (this.closed) return;
    const parsed = FromDecoder.safeParse(data);
    if (!parsed.success) {
      this.events.failed('bad_message', 'the decoder worker sent a malformed answer');
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'failed') {
      this.events.failed(msg.code, msg.message);
      return;
    }
    if (msg.rects && !msg.rects.every(rectIsConsistent)) {
      this.events.failed('bad_message', 'the decoder worker sent a rectangle of the wrong size');
      return;
    }
    if (msg.size) this.events.reset(msg.size.width, msg.size.height);
    if (msg.rects) this.events.present(msg.rects);
    this.events.applied(msg.seq, msg.decodeMs);
  }
}
