/**
 * One connection to the X server, with promises instead of the `x11` package's callbacks.
 * Contract: every request made through `call` settles: with its reply, with an X11RequestError
 * carrying the X error code, with a timeout, or when the connection ends (all pending calls are
 * rejected then). X errors for requests nobody waits on are logged, never thrown at the process.
 * Events are delivered as their 32 wire bytes; each module parses the few it needs.
 */
import { createClient } from 'x11';
import type { ExtensionMap, XCallback, XClient, XDisplayInfo, XError, XEvent, XScreen } from 'x11';
import type { PlatformLog } from '../platform-log';

/** How long one X request may take before we give up on the server, in ms. */
const X_REPLY_TIMEOUT_MS = 10_000;
/** How long connecting (socket + setup + BIG-REQUESTS) may take, in ms. */
const X_CONNECT_TIMEOUT_MS = 10_000;

export class X11RequestError extends Error {
  constructor(
    readonly request: string,
    readonly xCode: number,
    message: string,
  ) {
    super(`X request ${request} failed: ${message} (X error ${xCode})`);
    this.name = 'X11RequestError';
  }
}

export class X11ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'X11ConnectionError';
  }
}

interface Pending {
  reject(err: Error): void;
}

export class X11Connection {
  readonly screen: XScreen;
  readonly root: number;
  private readonly pending = new Set<Pending>();
  private readonly eventListeners = new Set<(raw: Buffer) => void>();
  private readonly atoms = new Map<string, number>();
  private ended = false;

  private constructor(
    readonly client: XClient,
    readonly info: XDisplayInfo,
    readonly displayName: string,
    private readonly log: PlatformLog,
  ) {
    const screen = info.screen[0];
    if (!screen) throw new X11ConnectionError(`X display ${displayName} reported no screen`);
    this.screen = screen;
    this.root = screen.root;
    client.on('event', (ev: XEvent) => {
      if (!Buffer.isBuffer(ev.rawData) || ev.rawData.length < 32) return;
      for (const listener of this.eventListeners) {
        try {
          listener(ev.rawData);
        } catch (err) {
          this.log.warn('x11.event_listener_failed', { error: String(err) });
        }
      }
    });
    client.on('error', (err: XError) => {
      // Errors of requests sent without a callback (e.g. a ChangeProperty on a requestor window
      // that was destroyed meanwhile): harmless for us, worth a line for diagnosis.
      this.log.warn('x11.async_error', { message: err.message, code: err.error, major: err.majorOpcode });
    });
    const onEnd = () =>
      this.failAll(new X11ConnectionError(`the X display ${displayName} closed the connection`));
    client.on('end', onEnd);
    (client as unknown as { stream?: NodeJS.EventEmitter }).stream?.on('close', onEnd);
  }

  /**
   * `fdPassing: false` connects over a plain socket that cannot pass a shared-memory segment, as a
   * remote display would (tests and diagnosis use it to exercise the core GetImage fallback).
   * `shmProvider` replaces the `x11` package's copying segment provider (mapped-shm-provider.ts).
   */
  static open(
    displayName: string,
    log: PlatformLog,
    options: { fdPassing?: boolean; shmProvider?: object } = {},
  ): Promise<X11Connection> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(
          new X11ConnectionError(
            `the X display ${displayName} did not answer within ${X_CONNECT_TIMEOUT_MS} ms`,
          ),
        );
      }, X_CONNECT_TIMEOUT_MS);
      let client: XClient;
      try {
        const transport =
          options.fdPassing === false
            ? { shm: false as const }
            : options.shmProvider
              ? { shm: options.shmProvider }
              : {};
        client = createClient({ display: displayName, ...transport }, (err, info) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (err || !info) {
            reject(
              new X11ConnectionError(
                `cannot open X display ${displayName}: ${err ? err.message : 'no setup'}`,
              ),
            );
            return;
          }
          try {
            resolve(new X11Connection(client, info, displayName, log));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      } catch (err) {
        settled = true;
        clearTimeout(timer);
        reject(new X11ConnectionError(`cannot open X display ${displayName}: ${String(err)}`));
        return;
      }
      // Before setup completes, connection errors arrive here (createClient's callback covers most).
      client.once('error', (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new X11ConnectionError(`cannot open X display ${displayName}: ${err.message}`));
      });
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Sends one request through `send` and waits for its reply (or, for void requests, its round trip). */
  call<T>(request: string, send: (cb: XCallback<T>) => unknown): Promise<T> {
    if (this.ended)
      return Promise.reject(new X11ConnectionError(`the X display ${this.displayName} is closed`));
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = {
        reject: (err) => {
          clearTimeout(timer);
          this.pending.delete(entry);
          reject(err);
        },
      };
      const timer = setTimeout(
        () =>
          entry.reject(
            new X11ConnectionError(`X request ${request} got no answer within ${X_REPLY_TIMEOUT_MS} ms`),
          ),
        X_REPLY_TIMEOUT_MS,
      );
      this.pending.add(entry);
      try {
        send((err, result) => {
          if (!this.pending.has(entry)) return true;
          clearTimeout(timer);
          this.pending.delete(entry);
          if (err) reject(new X11RequestError(request, err.error ?? -1, err.message || 'error'));
          else resolve(result);
          return true;
        });
      } catch (err) {
        entry.reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /**
   * Sends a hand-packed extension request that has a reply (for requests the package lacks, such as
   * RandR GetMonitors). `unpack` receives the reply after its 8-byte header.
   */
  rawRequest<T>(
    request: string,
    packet: Buffer,
    unpack: (body: Buffer, headerByte1: number) => T,
  ): Promise<T> {
    return this.call<T>(request, (cb) => {
      const c = this.client;
      c.seq_num++;
      c.replies[c.seq_num] = [unpack, cb as XCallback<unknown>];
      c.pack_stream.put(packet);
      c.pack_stream.submit(true);
    });
  }

  /** The extension, or null when the server lacks it. */
  extension<K extends keyof ExtensionMap>(name: K): Promise<ExtensionMap[K] | null> {
    if (this.ended)
      return Promise.reject(new X11ConnectionError(`the X display ${this.displayName} is closed`));
    return new Promise((resolve) => {
      this.client.require(name, (err, ext) => resolve(err || !ext ? null : ext));
    });
  }

  async atom(name: string): Promise<number> {
    const known = this.atoms.get(name);
    if (known !== undefined) return known;
    const id = await this.call<number>('InternAtom', (cb) => this.client.InternAtom(false, name, cb));
    this.atoms.set(name, id);
    return id;
  }

  /** Waits until the server has processed every request sent so far. */
  sync(): Promise<void> {
    return this.call<unknown>('GetInputFocus', (cb) => this.client.GetInputFocus(cb)).then(() => undefined);
  }

  onEvent(listener: (raw: Buffer) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.ended) return;
    try {
      await this.sync();
    } catch {
      // already broken: just drop it
    }
    this.failAll(new X11ConnectionError(`the X connection to ${this.displayName} was closed`));
    this.client.terminate();
  }

  private failAll(err: Error): void {
    this.ended = true;
    for (const p of [...this.pending]) p.reject(err);
  }
}
