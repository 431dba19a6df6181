/**
 * Opens "share my screen" for a session in its own small popup window
 * (share.html?session=ID), or focuses the one already open for that session. Its own window,
 * because the agent keeps it open while they work elsewhere, and closing it stops the share.
 */
import { openSessionWindow, type WindowSize } from '../lib/open-session-window';

/** Size of a new share window, in CSS pixels: room for the preview and the security code. */
const SHARE_WINDOW: WindowSize = { width: 520, height: 640 };

export function openShareWindow(sessionId: string): Promise<void> {
  return openSessionWindow('share.html', sessionId, SHARE_WINDOW);
}
