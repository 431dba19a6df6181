/**
 * A stand-in WebSocket for the socket's timer and bookkeeping tests (open, drop, refuse at will,
 * deterministically). The real thing against a real server is tested in test/e2e/support-page.
 */
import type { WebSocketLike } from '../../../ui/support/customer-socket';

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  closedByClient = false;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === 'object' && parsed !== null)
      this.sent.push(Object.fromEntries(Object.entries(parsed)));
  }

  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }

  /** The server accepted the connection. */
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** The server (or the network) dropped the connection. */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onerror?.(new Event('error'));
    this.onclose?.(Object.assign(new Event('close'), { code, reason: '', wasClean: false }));
  }

  receive(msg: unknown): void {
    this.onmessage?.(
      new MessageEvent('message', { data: typeof msg === 'string' ? msg : JSON.stringify(msg) }),
    );
  }

  lastSent(): Record<string, unknown> {
    const m = this.sent[this.sent.length - 1];
    if (!m) throw new Error('nothing sent');
    return m;
  }
}
