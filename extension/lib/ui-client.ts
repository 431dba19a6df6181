/**
 * The page side of the extension protocol (ui-protocol.ts): typed requests to the background
 * whose answers are validated before use, and a port that delivers the background's pushes and
 * reconnects by itself (Chrome stops the service worker when idle, which closes every port).
 */
import browser from 'webextension-polyfill';
import {
  PortName,
  UI_RESULTS,
  UiPush,
  UiReply,
  type UiRequest,
  type UiRequestType,
  type UiResult,
} from './ui-protocol';

/** Wait before reopening a port the background closed, in ms. */
const PORT_REOPEN_MS = 300;

export class UiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UiError';
  }
}

export async function ask<K extends UiRequestType>(
  request: Extract<UiRequest, { type: K }>,
): Promise<UiResult<K>> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(request);
  } catch (err) {
    throw new UiError('unavailable', String(err));
  }
  const reply = UiReply.safeParse(raw);
  if (!reply.success) throw new UiError('invalid_message', 'the background answered in an unknown form');
  if (!reply.data.ok) throw new UiError(reply.data.code, reply.data.message);
  const schema = UI_RESULTS[request.type as K];
  const result = schema.safeParse(reply.data.result);
  if (!result.success) throw new UiError('invalid_message', `unexpected answer to ${request.type}`);
  return result.data as UiResult<K>;
}

/** Opens a push port; returns a function that closes it for good. */
export function listen(name: string, onPush: (push: UiPush) => void): () => void {
  if (!PortName.safeParse(name).success) throw new Error(`bad port name ${name}`);
  let closed = false;
  let port: browser.Runtime.Port | null = null;
  const open = () => {
    if (closed) return;
    port = browser.runtime.connect({ name });
    port.onMessage.addListener((raw: unknown) => {
      const push = UiPush.safeParse(raw);
      if (push.success) onPush(push.data);
    });
    port.onDisconnect.addListener(() => {
      port = null;
      setTimeout(open, PORT_REOPEN_MS);
    });
  };
  open();
  return () => {
    closed = true;
    port?.disconnect();
  };
}
