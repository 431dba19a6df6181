/**
 * Keeps Firefox's MV3 event page alive while the agent is signed in. Firefox suspends an idle
 * event page after 30 s (pref extensions.background.idle.timeout) even with a WebSocket open and
 * carrying messages, which would drop the agent offline every half minute. A call to an extension
 * API that the parent process answers resets that idle timer (measured on Firefox ESR 153:
 * runtime.getPlatformInfo does, storage.local.get does not), so one such call every 20 s keeps the
 * page, and with it the agent's connection, alive. Chrome needs none of this: its service worker
 * stays alive while the WebSocket carries messages (the agent socket's ping).
 */
import browser from 'webextension-polyfill';

/** Interval between keepalive calls, in ms (under Firefox's 30 s idle timeout). */
export const EVENT_PAGE_KEEPALIVE_MS = 20_000;

/** Starts the keepalive; `wanted` says whether the page should stay alive right now. */
export function keepEventPageAlive(wanted: () => boolean): () => void {
  const timer = setInterval(() => {
    if (wanted()) void browser.runtime.getPlatformInfo();
  }, EVENT_PAGE_KEEPALIVE_MS);
  return () => clearInterval(timer);
}
