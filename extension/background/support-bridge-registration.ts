/**
 * Registers the support-page content script for the configured server only
 * (scripting.registerContentScripts), and re-registers it when the server changes. The match
 * pattern names the host without the port (Firefox's match patterns have no ports); the content
 * script and the background both check the exact origin before doing anything.
 */
import browser from 'webextension-polyfill';

export const SUPPORT_BRIDGE_SCRIPT_ID = 'lifeline-support-bridge';
const SCRIPT_FILE = '/support-bridge.js';

/** The match pattern of a server origin's support pages, e.g. https://help.example.com/support/*. */
export function supportPagePattern(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/support/*`;
}

let queue: Promise<void> = Promise.resolve();

/** Points the content script at `origin` (null: no server configured, no content script). */
export function registerSupportBridge(origin: string | null): Promise<void> {
  // Serialised: two quick changes must not interleave unregister/register.
  queue = queue
    .then(() => apply(origin))
    .catch((err: unknown) => console.warn('lifeline: bridge registration failed', err));
  return queue;
}

async function apply(origin: string | null): Promise<void> {
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [SUPPORT_BRIDGE_SCRIPT_ID] });
  const pattern = origin ? supportPagePattern(origin) : null;
  if (existing.length > 0) {
    if (pattern && existing[0]?.matches?.length === 1 && existing[0].matches[0] === pattern) return;
    await browser.scripting.unregisterContentScripts({ ids: [SUPPORT_BRIDGE_SCRIPT_ID] });
  }
  if (!pattern) return;
  await browser.scripting.registerContentScripts([
    {
      id: SUPPORT_BRIDGE_SCRIPT_ID,
      matches: [pattern],
      js: [SCRIPT_FILE],
      runAt: 'document_start',
      allFrames: false,
      persistAcrossSessions: true,
    },
  ]);
}
