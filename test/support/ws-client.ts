/**
 * A real `ws` client for tests: sends JSON, collects every message, and waits for the next one
 * that matches a predicate (with a timeout that names what it waited for).
 */
import WebSocket from 'ws';

export interface TestMessage {
  type: string;
  [key: string]: unknown;
}

export class TestWsClient {
  readonly received: TestMessage[] = [];
  readonly binary: Buffer[] = [];
  private waiters: { pred: (m: TestMessage) => boolean; resolve: (m: TestMessage) => void }[] = [];
  private cursor = 0;
  closeCode: number | null = null;
  closeReason = '';
  /** Headers of the 101 answer (e.g. the one a balancer adds to say which node it chose). */
  upgradeHeaders: Record<string, string | string[] | undefined> = {};
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        this.binary.push(data);
        return;
      }
      const msg = JSON.parse(data.toString('utf8')) as TestMessage;
      this.received.push(msg);
      for (const w of [...this.waiters]) {
        if (w.pred(msg)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(msg);
        }
      }
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
  }

  /**
   * `localAddress` binds the client to a loopback address of its own (127.x.y.z: many clients);
   * `rejectUnauthorized: false` accepts a test's self-signed certificate (wss:// to a balancer).
   */
  static connect(
    url: string,
    origin?: string,
    extra: { localAddress?: string; headers?: Record<string, string>; rejectUnauthorized?: boolean } = {},
  ): Promise<TestWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...(origin ? { origin } : {}), ...extra });
      const client = new TestWsClient(ws);
      ws.once('upgrade', (res) => (client.upgradeHeaders = res.headers));
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  send(msg: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** Sends a request with a fresh id and waits for its reply or error. */
  async request(msg: Record<string, unknown>, timeoutMs = 5000): Promise<TestMessage> {
    const id = `r${this.nextId++}`;
    const wait = this.waitFor(
      (m) => (m.type === 'reply' || m.type === 'error') && m.id === id,
      timeoutMs,
      `reply to ${String(msg.type)}`,
    );
    this.send({ ...msg, id });
    return wait;
  }

  /** Waits for a message (already received since the last take, or to come) matching `pred`. */
  waitFor(pred: (m: TestMessage) => boolean, timeoutMs = 5000, what = 'message'): Promise<TestMessage> {
    const found = this.received.slice(this.cursor).find(pred);
    if (found) {
      this.cursor = this.received.indexOf(found) + 1;
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; got: ${JSON.stringify(this.received.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      const done = (m: TestMessage) => {
        clearTimeout(timer);
        this.cursor = this.received.indexOf(m) + 1;
        resolve(m);
      };
      this.waiters.push({ pred, resolve: done });
    });
  }

  waitType(type: string, timeoutMs = 5000): Promise<TestMessage> {
    return this.waitFor((m) => m.type === type, timeoutMs, type);
  }

  waitClose(timeoutMs = 5000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      this.ws.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}
