/**
 * The background side of the support-page bridge: requests from our content script, answered
 * only when the sender is the top frame of a page under the configured server's /support/. The
 * content script checks too, but the browser-reported sender URL is the check a page cannot
 * fake, so a hostile page anywhere else gets nothing, not even whether the helper is installed.
 */
import browser from 'webextension-polyfill';
import { BridgeRequest, type BridgeStartOutcome } from '../lib/ui-protocol';
import { isSupportPageOf } from '../lib/server-address';
import type { BridgeHelperAvailability } from '../../protocol/page-bridge';
import type { HelperBridge } from './helper-bridge';

type ProbeAnswer = {
  allowed: boolean;
  origin: string | null;
  helper: BridgeHelperAvailability;
  extensionVersion: string;
};

/** True when a message comes from our content script in the top frame of a support page. */
export function isSupportPageSender(sender: browser.Runtime.MessageSender, origin: string | null): boolean {
  if (!origin || sender.id !== browser.runtime.id) return false;
  if (!sender.tab || sender.tab.id === undefined || sender.frameId !== 0) return false;
  return typeof sender.url === 'string' && isSupportPageOf(origin, sender.url);
}

export async function answerBridgeRequest(
  raw: unknown,
  sender: browser.Runtime.MessageSender,
  origin: string | null,
  helper: HelperBridge,
): Promise<ProbeAnswer | BridgeStartOutcome | undefined> {
  const parsed = BridgeRequest.safeParse(raw);
  if (!parsed.success) return undefined;
  const version = browser.runtime.getManifest().version;
  const tabId = sender.tab?.id;
  if (origin === null || tabId === undefined || !isSupportPageSender(sender, origin)) {
    if (parsed.data.type === 'bridge.probe') {
      return { allowed: false, origin: null, helper: 'unknown', extensionVersion: version };
    }
    return { ok: false, code: 'origin_not_allowed', message: 'this page may not start the helper' };
  }
  if (parsed.data.type === 'bridge.probe') {
    return { allowed: true, origin, helper: await helper.probe(), extensionVersion: version };
  }
  return helper.start(origin, parsed.data.joinCode, tabId);
}
