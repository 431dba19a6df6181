/**
 * Opens "share my screen" for a session in its own small popup window
 * (share.html?session=ID), or focuses the one already open for that session. Its own window,
 * because the agent keeps it open while they work elsewhere, and closing it stops the share.
 */
import browser from 'webextension-polyfill';

/** Size of a new share window, in CSS pixels: room for the preview and the security code. */
const SHARE_WIDTH = 520;
const SHARE_HEIGHT = 640;

export async function openShareWindow(sessionId: string): Promise<void> {
  const url = browser.runtime.getURL(`/share.html?session=${encodeURIComponent(sessionId)}`);
  // Matching our own pages by URL needs no "tabs" permission; an error just means "open a new one".
  const open = await browser.tabs.query({ url }).catch(() => []);
  const tab = open[0];
  if (tab?.windowId !== undefined) {
    await browser.windows.update(tab.windowId, { focused: true });
    return;
  }
  await browser.windows.create({
    url,
    type: 'popup',
    width: SHARE_WIDTH,
    height: SHARE_HEIGHT,
    focused: true,
  });
}
