/**
 * Opens an extension page for one session in its own popup window (`page?session=ID`), or
 * focuses the window already showing it for that session: one viewer and one share window per
 * session, wherever the agent clicked.
 */
import browser from 'webextension-polyfill';

/** The size of a new window, in CSS pixels. */
export interface WindowSize {
  width: number;
  height: number;
}

export async function openSessionWindow(page: string, sessionId: string, size: WindowSize): Promise<void> {
  const url = browser.runtime.getURL(`/${page}?session=${encodeURIComponent(sessionId)}`);
  // Matching our own pages by URL needs no "tabs" permission; an error just means "open a new one".
  const open = await browser.tabs.query({ url }).catch(() => []);
  const tab = open[0];
  if (tab?.windowId !== undefined) {
    await browser.windows.update(tab.windowId, { focused: true });
    return;
  }
  await browser.windows.create({ url, type: 'popup', ...size, focused: true });
}
