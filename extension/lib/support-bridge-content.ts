/**
 * The content script's end of the page bridge (protocol/page-bridge.ts), on the configured
 * server's support pages. It first asks the background whether this page may use the bridge
 * (the background checks the browser-reported sender URL); if not, it stays silent and listens
 * to nothing. Otherwise it accepts only messages from its own window and the server's origin,
 * validated against PageToExtension, and relays "start the helper" to the background.
 */
import type { HelperState } from '../../protocol/native-channel';
import type { HandlerMap } from '../../protocol/message';
import {
  PAGE_BRIDGE_CHANNEL,
  PAGE_BRIDGE_MAX_BYTES,
  PAGE_BRIDGE_VERSION,
  PageToExtension,
  type BridgeHelperAvailability,
  type ExtensionToPage,
} from '../../protocol/page-bridge';
import { exceedsUtf8Bytes } from '../../protocol/parse';
import type { BridgeStartOutcome } from './ui-protocol';

export interface ProbeAnswer {
  allowed: boolean;
  origin: string | null;
  helper: BridgeHelperAvailability;
  extensionVersion: string;
}

/** What the content script needs from the extension runtime (the background behind it). */
export interface BridgeRuntime {
  probe(): Promise<ProbeAnswer>;
  start(joinCode: string): Promise<BridgeStartOutcome>;
  onStatus(listener: (state: HelperState) => void): void;
}

/** The window API used (the real window in the content script, a stand-in in tests). */
export interface BridgeWindowLike {
  readonly location: { readonly origin: string };
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
}

/** Runs the bridge; resolves once it is listening (true) or has decided to stay silent (false). */
export async function runSupportBridge(win: BridgeWindowLike, runtime: BridgeRuntime): Promise<boolean> {
  let answer: ProbeAnswer;
  try {
    answer = await runtime.probe();
  } catch {
    return false;
  }
  const origin = answer.origin;
  if (!answer.allowed || origin === null || origin !== win.location.origin) return false;

  const post = (message: ExtensionToPage) => win.postMessage(message, origin);
  const ready = () =>
    post({
      channel: PAGE_BRIDGE_CHANNEL,
      from: 'extension',
      type: 'bridge.ready',
      version: PAGE_BRIDGE_VERSION,
      extensionVersion: answer.extensionVersion,
      helper: answer.helper,
    });

  const handlers: HandlerMap<PageToExtension, void> = {
    'bridge.probe': (msg) => {
      if (msg.version === PAGE_BRIDGE_VERSION) ready();
    },
    'helper.start': async (msg) => {
      let outcome: BridgeStartOutcome;
      try {
        outcome = await runtime.start(msg.joinCode);
      } catch {
        outcome = { ok: false, code: 'unavailable', message: 'the extension did not answer' };
      }
      if (outcome.ok) {
        post({
          channel: PAGE_BRIDGE_CHANNEL,
          from: 'extension',
          type: 'helper.started',
          id: msg.id,
          state: outcome.state,
        });
      } else {
        post({
          channel: PAGE_BRIDGE_CHANNEL,
          from: 'extension',
          type: 'helper.failed',
          id: msg.id,
          code: outcome.code,
          message: outcome.message,
          ...(outcome.os !== undefined ? { os: outcome.os } : {}),
        });
      }
    },
  };

  win.addEventListener('message', (ev: MessageEvent) => {
    if (ev.source !== win || ev.origin !== origin) return;
    const data: unknown = ev.data;
    if (typeof data !== 'object' || data === null) return;
    if (!('channel' in data) || data.channel !== PAGE_BRIDGE_CHANNEL) return;
    if (!('from' in data) || data.from !== 'page') return;
    let text: string;
    try {
      text = JSON.stringify(data);
    } catch {
      return;
    }
    if (exceedsUtf8Bytes(text, PAGE_BRIDGE_MAX_BYTES)) return;
    const parsed = PageToExtension.safeParse(data);
    if (!parsed.success) return;
    const message = parsed.data;
    void (handlers[message.type] as (m: PageToExtension, ctx: void) => void | Promise<void>)(
      message,
      undefined,
    );
  });
  runtime.onStatus((state) =>
    post({ channel: PAGE_BRIDGE_CHANNEL, from: 'extension', type: 'helper.status', state }),
  );
  ready();
  return true;
}
