/**
 * The background side of ui-protocol.ts: requests from extension pages are checked (sender is
 * one of our own pages), validated, dispatched through a handler map (a missing handler does not
 * compile) and answered in the UiReply envelope; pages' push ports are tracked by name.
 */
import browser from 'webextension-polyfill';
import { isErrorCode } from '../../protocol/errors';
import {
  PortName,
  UiRequest,
  type UiPush,
  type UiReply,
  type UiRequestType,
  type UiResult,
} from '../lib/ui-protocol';
import { AgentRequestError } from '../lib/agent-socket';

export type UiHandlers = {
  [K in UiRequestType]: (request: Extract<UiRequest, { type: K }>) => Promise<UiResult<K>>;
};

/** An error a handler throws to answer with a stable code (e.g. not signed in). */
export class UiRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** True when the sender is a page of this extension (not a content script, not another extension). */
export function isOwnPage(sender: browser.Runtime.MessageSender): boolean {
  return (
    sender.id === browser.runtime.id &&
    typeof sender.url === 'string' &&
    sender.url.startsWith(browser.runtime.getURL('/'))
  );
}

export async function answerUiRequest(raw: unknown, handlers: UiHandlers): Promise<UiReply> {
  const parsed = UiRequest.safeParse(raw);
  if (!parsed.success)
    return { ok: false, code: 'invalid_message', message: 'not a request this background knows' };
  const request = parsed.data;
  const handler = handlers[request.type] as (r: UiRequest) => Promise<unknown>;
  try {
    return { ok: true, result: await handler(request) };
  } catch (err) {
    if (err instanceof AgentRequestError || err instanceof UiRefusal) {
      return {
        ok: false,
        code: isErrorCode(err.code) || err instanceof UiRefusal ? err.code : 'internal_error',
        message: err.message,
      };
    }
    console.error('lifeline: ui request failed', request.type, err);
    return { ok: false, code: 'internal_error', message: String(err) };
  }
}

/** Open push ports by name ("popup", "options", "consent", "chat:<session>"). */
export class PortRegistry {
  private readonly ports = new Set<browser.Runtime.Port>();

  constructor(private readonly onOpen: (port: browser.Runtime.Port) => void) {}

  accept(port: browser.Runtime.Port): void {
    if (!PortName.safeParse(port.name).success || !port.sender || !isOwnPage(port.sender)) {
      port.disconnect();
      return;
    }
    this.ports.add(port);
    port.onDisconnect.addListener(() => this.ports.delete(port));
    this.onOpen(port);
  }

  /** Sends a push to every port whose name passes `filter`. */
  push(push: UiPush, filter: (name: string) => boolean = () => true): void {
    for (const port of this.ports) {
      if (!filter(port.name)) continue;
      try {
        port.postMessage(push);
      } catch {
        this.ports.delete(port);
      }
    }
  }

  has(filter: (name: string) => boolean): boolean {
    for (const port of this.ports) if (filter(port.name)) return true;
    return false;
  }
}
