/**
 * Content script on the configured server's support pages (registered at runtime by the
 * background for that server only; see background/support-bridge-registration.ts). An unlisted
 * script rather than a WXT content script, so nothing but the bridge itself is visible to the page.
 */
import '../ui/strict-csp-zod';
import browser from 'webextension-polyfill';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { runSupportBridge, type ProbeAnswer } from './lib/support-bridge-content';
import { BRIDGE_RESULTS, BridgePush, type BridgeRequest, type BridgeStartOutcome } from './lib/ui-protocol';

export default defineUnlistedScript(() => {
  const ask = async (request: BridgeRequest): Promise<unknown> => browser.runtime.sendMessage(request);
  void runSupportBridge(window, {
    probe: async (): Promise<ProbeAnswer> =>
      BRIDGE_RESULTS['bridge.probe'].parse(await ask({ type: 'bridge.probe' })),
    start: async (joinCode): Promise<BridgeStartOutcome> =>
      BRIDGE_RESULTS['bridge.start'].parse(await ask({ type: 'bridge.start', joinCode })),
    onStatus: (listener) => {
      browser.runtime.onMessage.addListener((raw: unknown, sender: browser.Runtime.MessageSender) => {
        if (sender.id !== browser.runtime.id || sender.tab) return undefined;
        const push = BridgePush.safeParse(raw);
        if (push.success) listener(push.data.state);
        return undefined;
      });
    },
  });
});
