/**
 * Opens the viewer for a session in its own popup window (viewer.html?session=ID), sized for a
 * desktop picture, or focuses the one already open for that session.
 */
import browser from 'webextension-polyfill';

/** Size of a new viewer window, in CSS pixels. */
const VIEWER_WIDTH = 1280;
const VIEWER_HEIGHT = 860;

export async function openViewerWindow(sessionId: string): Promise<void> {
  const url = browser.runtime.getURL(`/viewer.html?session=${encodeURIComponent(sessionId)}`);
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
    width: VIEWER_WIDTH,
    height: VIEWER_HEIGHT,
    focused: true,
  });
}
