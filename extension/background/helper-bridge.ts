/**
 * Customer mode: starts the native helper (protocol/native-channel.ts) through
 * runtime.connectNative for the session whose join code the support page received, opens the
 * consent window when the helper asks, and relays the helper's state back to the page's tab.
 * It also keeps the session's file transfers (host.files) for the consent window, opens that
 * window when a new transfer starts and it is closed, and passes the customer's "Stop" on.
 * Only the content script on the configured server's /support/ pages can ask for this (the
 * caller checks the sender); the server origin sent to the helper is the configured one, never
 * one the page chose.
 *
 * A helper that dies mid-session (a crash, a kill) is started again: after REVIVE_DELAY_MS the
 * bridge connects again and asks `host.resume`, so the helper comes back into the same session
 * with the consent the customer gave (its state file); at most REVIVE_MAX times a minute, so a
 * helper that crashes at start cannot spin. A stop, or a helper that ended on its own, is final.
 */
import browser from 'webextension-polyfill';
import { NATIVE_HOST_NAME } from '../../protocol/extension-ids';
import { NO_GRANTS, type Grants } from '../../protocol/common';
import { HostToExtension, NATIVE_RESULTS, type ExtensionToHost } from '../../protocol/native-channel';
import { validate } from '../../protocol/parse';
import { isErrorCode, type ErrorCode } from '../../protocol/errors';
import { JoinCode } from '../../protocol/helper-channel';
import type { BridgeHelperAvailability } from '../../protocol/page-bridge';
import type * as z from 'zod';
import type { BridgePush, BridgeStartOutcome, ConsentView } from '../lib/ui-protocol';

/** A native request without a reply for this long fails, in ms (the helper starts in ~0.1 s). */
const NATIVE_REQUEST_TIMEOUT_MS = 10_000;
/**
 * How long host.file_offer may wait, in ms: the customer browses in the system's file chooser
 * meanwhile (an answer never comes only if the helper died, which rejects everything pending).
 */
const OFFER_REPLY_TIMEOUT_MS = 30 * 60_000;
/** Size of the consent window, in CSS pixels. */
const CONSENT_WIDTH_PX = 460;
const CONSENT_HEIGHT_PX = 560;

type NativeType = ExtensionToHost['type'];
type NativeResult<K extends NativeType> = z.output<(typeof NATIVE_RESULTS)[K]>;
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type NativeRequestBody = OmitEach<ExtensionToHost, 'id'>;

/** Wait before starting a helper that died mid-session again, in ms. */
const REVIVE_DELAY_MS = 500;
/** Helper restarts allowed per REVIVE_WINDOW_MS (a helper crashing at start must not spin). */
const REVIVE_MAX = 3;
const REVIVE_WINDOW_MS = 60_000;
/** States in which the helper's end is a loss, not the end of sharing. */
const LIVE_STATES: ReadonlySet<ConsentView['state']> = new Set([
  'waiting_consent',
  'sharing',
  'paused',
  'reconnecting',
]);

/** How long a "is the helper installed?" answer is reused, in ms. */
const PROBE_CACHE_MS = 60_000;
/** A probe without an answer in this long reports "unknown" (the page still may try), in ms. */
const PROBE_TIMEOUT_MS = 1000;

/** The helper answered a request with an error code. */
class NativeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  type: NativeType;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class HelperBridge {
  private port: browser.Runtime.Port | null = null;
  private tabId: number | null = null;
  private consentWindowId: number | null = null;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private probed: { at: number; value: BridgeHelperAvailability } | null = null;
  /** The configured server the helper was started for (a revived helper resumes with it). */
  private server: string | null = null;
  /** The customer pressed stop: the helper's end that follows is final. */
  private stopping = false;
  /** When the helper was revived, for the REVIVE_MAX limit. */
  private revivedAt: number[] = [];
  private view: ConsentView = {
    state: 'idle',
    agentName: null,
    requested: NO_GRANTS,
    granted: NO_GRANTS,
    answered: false,
    viewers: [],
    transfers: [],
  };

  constructor(
    private readonly extensionVersion: string,
    private readonly onView: (view: ConsentView) => void,
  ) {}

  current(): ConsentView {
    return this.view;
  }

  /** Starts the helper for a join code; `server` is the configured origin, never the page's. */
  async start(server: string, joinCode: string, tabId: number): Promise<BridgeStartOutcome> {
    const code = JoinCode.safeParse(joinCode);
    if (!code.success) return { ok: false, code: 'join_code_invalid', message: 'not a join code' };
    this.disconnect();
    this.tabId = tabId;
    this.server = server;
    this.stopping = false;
    this.update({
      state: 'connecting',
      agentName: null,
      requested: NO_GRANTS,
      granted: NO_GRANTS,
      answered: false,
      viewers: [],
      transfers: [],
      offer: undefined,
    });
    const port = this.connect();
    if (!port) return this.fail('helper_not_connected', 'the Lifeline helper is not installed');
    try {
      const hello = await this.request({ type: 'host.hello', extensionVersion: this.extensionVersion });
      if (!hello.supported) {
        this.disconnect();
        this.update({ state: 'ended' });
        const os = `${hello.os.platform} ${hello.os.release}`.trim();
        return {
          ok: false,
          code: 'os_not_supported',
          message: 'the helper does not support this system',
          os,
        };
      }
      const joined = await this.request({ type: 'host.join', server, joinCode: code.data });
      this.update({ state: joined.state });
      return { ok: true, state: joined.state };
    } catch (err) {
      if (err instanceof NativeError) {
        this.disconnect();
        this.update({ state: 'ended' });
        return { ok: false, code: err.code, message: err.message };
      }
      return this.fail('helper_not_connected', 'the Lifeline helper did not start');
    }
  }

  /**
   * Whether the helper is installed: starts it, says hello and lets it go. Cached, so a support
   * page that reloads does not start a process each time.
   */
  async probe(): Promise<BridgeHelperAvailability> {
    const now = Date.now();
    if (this.probed && now - this.probed.at < PROBE_CACHE_MS) return this.probed.value;
    if (this.port) return 'available';
    let value: BridgeHelperAvailability;
    const port = this.connect();
    if (!port) value = 'missing';
    else {
      value = await Promise.race([
        this.request({ type: 'host.hello', extensionVersion: this.extensionVersion }).then(
          (): BridgeHelperAvailability => 'available',
          (): BridgeHelperAvailability => 'missing',
        ),
        new Promise<BridgeHelperAvailability>((r) => setTimeout(() => r('unknown'), PROBE_TIMEOUT_MS)),
      ]);
      if (this.port === port) this.disconnect();
    }
    // "unknown" (no answer in time: a slow start on a loaded computer) is not remembered: the next
    // page load asks again instead of hearing "unknown" for a minute.
    this.probed = value === 'unknown' ? null : { at: now, value };
    return value;
  }

  private connect(): browser.Runtime.Port | null {
    let port: browser.Runtime.Port;
    try {
      port = browser.runtime.connectNative(NATIVE_HOST_NAME);
    } catch {
      return null;
    }
    this.port = port;
    port.onMessage.addListener((raw: unknown) => {
      if (this.port === port) this.onHostMessage(raw);
    });
    port.onDisconnect.addListener(() => {
      if (this.port !== port) return;
      this.port = null;
      this.rejectAll('the helper stopped');
      if (LIVE_STATES.has(this.view.state) && !this.stopping && this.mayRevive()) {
        // Died mid-session: the customer's sharing is not over; the helper comes back into it.
        this.update({ state: 'reconnecting' });
        setTimeout(() => void this.revive(), REVIVE_DELAY_MS);
        return;
      }
      if (this.view.state !== 'idle' && this.view.state !== 'not_installed') {
        // A helper that stopped before it answered was not installed (or not allowed for us).
        this.update({ state: this.view.state === 'connecting' ? 'not_installed' : 'ended' });
      }
    });
    return port;
  }

  private mayRevive(): boolean {
    const now = Date.now();
    this.revivedAt = this.revivedAt.filter((t) => now - t < REVIVE_WINDOW_MS);
    if (this.server === null || this.revivedAt.length >= REVIVE_MAX) return false;
    this.revivedAt.push(now);
    return true;
  }

  /** Starts the helper again and asks it to resume the saved session. */
  private async revive(): Promise<void> {
    if (this.port || this.stopping || this.server === null || this.view.state !== 'reconnecting') return;
    const port = this.connect();
    if (!port) {
      this.update({ state: 'ended' });
      return;
    }
    try {
      await this.request({ type: 'host.hello', extensionVersion: this.extensionVersion });
      const resumed = await this.request({ type: 'host.resume', server: this.server });
      this.update({ state: resumed.state });
    } catch {
      if (this.port === port) this.disconnect();
      this.update({ state: 'ended' });
    }
  }

  private fail(code: 'helper_not_connected', message: string): BridgeStartOutcome {
    this.disconnect();
    this.update({ state: 'not_installed' });
    return { ok: false, code, message };
  }

  async answer(grants: Grants): Promise<void> {
    const result = await this.request({ type: 'host.consent', grants });
    this.update({ granted: result.grants, answered: true });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.port) return;
    const result = await this.request({ type: 'host.stop' });
    this.update({ state: result.state, granted: NO_GRANTS, viewers: [] });
  }

  /** The customer pressed "Stop" on one file transfer; the helper's next host.files shows it. */
  async cancelFile(fileId: string): Promise<void> {
    await this.request({ type: 'host.file_cancel', fileId });
  }

  /**
   * "Send a file to the agent...": the helper opens the system's file chooser (it may stay open
   * as long as the customer browses, so no reply timeout applies) and offers the chosen file.
   */
  async offerFile(): Promise<'offered' | 'cancelled'> {
    const result = await this.request({ type: 'host.file_offer' }, OFFER_REPLY_TIMEOUT_MS);
    if (result.outcome === 'offered' && result.name)
      this.update({ offer: { name: result.name, state: 'pending' } });
    return result.outcome;
  }

  /** The customer withdraws the file they offered. */
  async withdrawOffer(): Promise<void> {
    const result = await this.request({ type: 'host.file_withdraw' });
    this.update({ offer: { name: result.name, state: 'withdrawn' } });
  }

  /** The page's tab closed or navigated away: nothing more is relayed there. */
  forgetTab(tabId: number): void {
    if (this.tabId === tabId) this.tabId = null;
  }

  forgetWindow(windowId: number): void {
    if (this.consentWindowId === windowId) this.consentWindowId = null;
  }

  private onHostMessage(raw: unknown): void {
    const parsed = validate(HostToExtension, raw);
    if (!parsed.ok) return;
    const message = parsed.value;
    if (message.type === 'reply' || message.type === 'error') {
      const p = this.pending.get(message.id ?? '');
      if (!p) return;
      this.pending.delete(message.id ?? '');
      clearTimeout(p.timer);
      if (message.type === 'error') {
        p.reject(
          new NativeError(isErrorCode(message.code) ? message.code : 'internal_error', message.message),
        );
        return;
      }
      const result = validate(NATIVE_RESULTS[p.type], message.result);
      if (result.ok) p.resolve(result.value);
      else p.reject(new Error(`unexpected answer to ${p.type}`));
      return;
    }
    if (message.type === 'host.consent_needed') {
      this.update({
        state: 'waiting_consent',
        agentName: message.agentName,
        requested: message.requested,
        answered: false,
      });
      void this.openConsentWindow();
      return;
    }
    if (message.type === 'host.offer') {
      this.update({ offer: { name: message.name, state: message.answer } });
      return;
    }
    if (message.type === 'host.files') {
      const known = new Set(this.view.transfers.map((f) => f.id));
      const fresh = message.transfers.some((f) => !known.has(f.id));
      this.update({ transfers: message.transfers });
      // A file starts moving to or from this computer: the customer sees it even after closing
      // the window (an open window is left where it is: progress must not steal the focus).
      if (fresh && this.consentWindowId === null) void this.openConsentWindow();
      return;
    }
    // A helper older than the `viewers` field lists no codes; then none is shown.
    this.update({ state: message.state, granted: message.grants, viewers: message.viewers ?? [] });
  }

  private async openConsentWindow(): Promise<void> {
    if (this.consentWindowId !== null) {
      try {
        await browser.windows.update(this.consentWindowId, { focused: true, drawAttention: true });
        return;
      } catch {
        this.consentWindowId = null;
      }
    }
    const win = await browser.windows.create({
      url: browser.runtime.getURL('/consent.html'),
      type: 'popup',
      width: CONSENT_WIDTH_PX,
      height: CONSENT_HEIGHT_PX,
      focused: true,
    });
    this.consentWindowId = win.id ?? null;
  }

  private request<B extends NativeRequestBody>(
    body: B,
    timeoutMs = NATIVE_REQUEST_TIMEOUT_MS,
  ): Promise<NativeResult<B['type']>> {
    const port = this.port;
    if (!port) return Promise.reject(new Error('the helper is not running'));
    const id = `n${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${body.type}`));
      }, timeoutMs);
      this.pending.set(id, {
        type: body.type,
        resolve: (v) => resolve(v as NativeResult<B['type']>),
        reject,
        timer,
      });
      port.postMessage({ ...body, id });
    });
  }

  private rejectAll(reason: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new Error(reason));
    }
  }

  private disconnect(): void {
    const port = this.port;
    this.port = null;
    port?.disconnect();
    this.rejectAll('restarted');
  }

  private update(patch: Partial<ConsentView>): void {
    this.view = { ...this.view, ...patch };
    this.onView(this.view);
    // The page hears the helper's state; files (progress twice a second, the customer's offer) are
    // not its business.
    const filesOnly = Object.keys(patch).every((k) => k === 'transfers' || k === 'offer');
    if (this.tabId !== null && !filesOnly) {
      const state = this.view.state;
      // The page's protocol has no "not installed" state: that is told once, as helper.failed.
      if (state !== 'not_installed') {
        const push: BridgePush = { type: 'bridge.status', state };
        browser.tabs.sendMessage(this.tabId, push).catch(() => undefined);
      }
    }
  }
}
