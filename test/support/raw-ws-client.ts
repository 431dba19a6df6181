/**
 * A WebSocket client written on a bare TCP socket, for tests that need what a library client
 * hides: it can stop reading altogether (`pause()`: the kernel buffers fill and the server sees
 * its own send buffer grow), then read again. It does the RFC 6455 handshake, sends masked text
 * and binary frames, and parses the server's unmasked frames (all lengths), answering nothing
 * (pings are recorded, not ponged: tests are shorter than the server's heartbeat).
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ConditionWaiters } from './condition-waiters';

export interface RawFrame {
  opcode: number;
  payload: Buffer;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class RawWsClient {
  readonly frames: RawFrame[] = [];
  private buffer = Buffer.alloc(0);
  private readonly waiters = new ConditionWaiters();

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
  }

  static connect(port: number, origin?: string): Promise<RawWsClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const key = randomBytes(16).toString('base64');
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const text = head.subarray(0, end).toString('latin1');
        if (!/^HTTP\/1\.1 101/.test(text) || !text.includes(accept)) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${text.split('\r\n')[0]}`));
          return;
        }
        const client = new RawWsClient(socket);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.emit('data', rest);
        resolve(client);
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.write(
          `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
            (origin ? `Origin: ${origin}\r\n` : '') +
            '\r\n',
        );
      });
    });
  }

  sendText(text: string): void {
    this.sendFrame(1, Buffer.from(text, 'utf8'));
  }

  sendBinary(data: Uint8Array): void {
    this.sendFrame(2, Buffer.from(data));
  }

  /** Stops reading from the socket: the server's writes pile up in kernel buffers, then in its own. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Text frames, parsed as JSON. */
  messages(): { type: string; [k: string]: unknown }[] {
    return this.frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString('utf8')));
  }

  binaries(): Buffer[] {
    return this.frames.filter((f) => f.opcode === 2).map((f) => f.payload);
  }

  /** Resolves once `pred()` holds (checked after each parsed frame). */
  until(pred: () => boolean, timeoutMs = 10_000, what = 'frames'): Promise<void> {
    return this.waiters.until(pred, timeoutMs, () => `timed out waiting for ${what}`);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Writes bytes as they are (frames built with `RawWsClient.frame`, many at once for floods). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** One masked client frame (1 text, 2 binary). */
  static frame(opcode: number, payload: Buffer): Buffer {
    const mask = randomBytes(4);
    const len = payload.length;
    const header =
      len < 126
        ? Buffer.from([0x80 | opcode, 0x80 | len])
        : len < 65536
          ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff])
          : (() => {
              const h = Buffer.alloc(10);
              h[0] = 0x80 | opcode;
              h[1] = 0x80 | 127;
              h.writeBigUInt64BE(BigInt(len), 2);
              return h;
            })();
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
    return Buffer.concat([header, mask, masked]);
  }

  private sendFrame(opcode: number, payload: Buffer): void {
    this.socket.write(RawWsClient.frame(opcode, payload));
  }

  private parse(): void {
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      let len = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + len) return;
      this.frames.push({ opcode, payload: Buffer.from(this.buffer.subarray(offset, offset + len)) });
      this.buffer = this.buffer.subarray(offset + len);
      this.waiters.changed();
    }
  }
}
