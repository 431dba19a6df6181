/**
 * The `ws` package's client as the viewer core's WebSocketLike, so ViewerSession runs in Node
 * tests against a real server exactly as in a browser (text as strings, binary as ArrayBuffer).
 * `tamper` lets a test play a relay that changes bytes of incoming binary frames.
 */
import WebSocket from 'ws';
import type { WebSocketLike } from '../../../../ui/viewer/viewer-socket';

export type Tamper = (frame: Uint8Array) => void;

export class NodeSocket implements WebSocketLike {
  binaryType: BinaryType = 'arraybuffer';
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  readonly ws: WebSocket;

  constructor(url: string, origin: string, tamper?: Tamper) {
    this.ws = new WebSocket(url, { origin, perMessageDeflate: false });
    this.ws.on('open', () => this.onopen?.(new Event('open')));
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        this.onmessage?.(new MessageEvent('message', { data: data.toString('utf8') }));
        return;
      }
      const copy = new Uint8Array(data.byteLength);
      copy.set(data);
      tamper?.(copy);
      this.onmessage?.(new MessageEvent('message', { data: copy.buffer }));
    });
    this.ws.on('close', (code: number) => this.onclose?.(closeEvent(code)));
    this.ws.on('error', () => this.onerror?.(new Event('error')));
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(data: string | ArrayBufferLike | ArrayBufferView<ArrayBuffer>): void {
    if (typeof data === 'string') this.ws.send(data);
    else if (ArrayBuffer.isView(data))
      this.ws.send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    else this.ws.send(Buffer.from(data));
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}

function closeEvent(code: number): CloseEvent {
  // Node 20 has no CloseEvent: an Event carrying the one field the viewer reads.
  return Object.assign(new Event('close'), { code, reason: '', wasClean: true }) as CloseEvent;
}
