/**
 * The page's end of the extension bridge (protocol/page-bridge.ts): probes for the Lifeline
 * extension, reports whether it (and the native helper behind it) is there, and asks it to start
 * the helper with a join code. Accepts only messages from this window and this origin, on the
 * bridge channel, from the extension side, that validate against ExtensionToPage.
 */
import {
  BRIDGE_PROBE_TIMEOUT_MS,
  BRIDGE_START_TIMEOUT_MS,
  ExtensionToPage,
  PAGE_BRIDGE_CHANNEL,
  PAGE_BRIDGE_VERSION,
  type BridgeHelperAvailability,
  type PageToExtension,
} from '../../protocol/page-bridge';
import type { HelperState } from '../../protocol/native-channel';
import type { ErrorCode } from '../../protocol/errors';
import { isErrorCode } from '../../protocol/errors';
import type { HandlerMap } from '../../protocol/message';
import { dispatch } from './dispatch';

export type BridgePresence = 'probing' | 'absent' | 'present';

export interface BridgeInfo {
  presence: BridgePresence;
  helper: BridgeHelperAvailability | null;
}

/** The parts of a `message` event the bridge reads. */
export interface BridgeEvent {
  readonly source: unknown;
  readonly origin: string;
  readonly data: unknown;
}

/** The window API the bridge uses (the real `window` in the page, a stand-in in tests). */
export interface BridgeWindow {
  readonly location: { readonly origin: string };
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: 'message', listener: (ev: BridgeEvent) => void): void;
  removeEventListener(type: 'message', listener: (ev: BridgeEvent) => void): void;
}

export class BridgeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly os?: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

interface PendingStart {
  resolve: (state: HelperState) => void;
  reject: (err: BridgeError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class PageBridgeClient {
  private info: BridgeInfo = { presence: 'probing', helper: null };
  private probeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pending = new Map<string, PendingStart>();
  private nextId = 1;
  private readonly listener = (ev: BridgeEvent) => this.receive(ev);

  constructor(
    private readonly win: BridgeWindow,
    private readonly onChange: (info: BridgeInfo) => void,
    private readonly onHelperStatus: (state: HelperState) => void,
  ) {}

  get current(): BridgeInfo {
    return this.info;
  }

  start(): void {
    this.win.addEventListener('message', this.listener);
    this.post({
      channel: PAGE_BRIDGE_CHANNEL,
      from: 'page',
      type: 'bridge.probe',
      version: PAGE_BRIDGE_VERSION,
    });
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      if (this.info.presence === 'probing') this.set({ presence: 'absent', helper: null });
    }, BRIDGE_PROBE_TIMEOUT_MS);
  }

  stop(): void {
    this.win.removeEventListener('message', this.listener);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new BridgeError('unavailable', 'the page is closing'));
    }
  }

  /** Asks the extension to start the helper for this join code. */
  startHelper(joinCode: string, agentName: string): Promise<HelperState> {
    if (this.info.presence !== 'present') {
      return Promise.reject(new BridgeError('helper_not_connected', 'the Lifeline extension is not here'));
    }
    const id = `b${this.nextId++}`;
    return new Promise<HelperState>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BridgeError('helper_not_connected', 'the helper did not start in time'));
      }, BRIDGE_START_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.post({
        channel: PAGE_BRIDGE_CHANNEL,
        from: 'page',
        type: 'helper.start',
        id,
        joinCode,
        agentName,
      });
    });
  }

  private post(msg: PageToExtension): void {
    this.win.postMessage(msg, this.win.location.origin);
  }

  private receive(ev: BridgeEvent): void {
    if (ev.source !== this.win || ev.origin !== this.win.location.origin) return;
    const data: unknown = ev.data;
    if (typeof data !== 'object' || data === null) return;
    if (!('channel' in data) || data.channel !== PAGE_BRIDGE_CHANNEL) return;
    if (!('from' in data) || data.from !== 'extension') return;
    const parsed = ExtensionToPage.safeParse(data);
    if (!parsed.success) return;
    dispatch(this.handlers, parsed.data);
  }

  private readonly handlers: HandlerMap<ExtensionToPage, void> = {
    'bridge.ready': (msg) => {
      if (msg.version !== PAGE_BRIDGE_VERSION) return;
      if (this.probeTimer) clearTimeout(this.probeTimer);
      this.probeTimer = null;
      this.set({ presence: 'present', helper: msg.helper });
    },
    'helper.started': (msg) => this.settle(msg.id)?.resolve(msg.state),
    'helper.failed': (msg) =>
      this.settle(msg.id)?.reject(
        new BridgeError(isErrorCode(msg.code) ? msg.code : 'helper_not_connected', msg.message, msg.os),
      ),
    'helper.status': (msg) => this.onHelperStatus(msg.state),
  };

  /** Takes the pending start with this id off the list (undefined when it already timed out). */
  private settle(id: string): PendingStart | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    clearTimeout(p.timer);
    return p;
  }

  private set(info: BridgeInfo): void {
    this.info = info;
    this.onChange(info);
  }
}
