/**
 * Opens the viewer for a session in its own popup window (viewer.html?session=ID), sized for a
 * desktop picture, or focuses the one already open for that session.
 */
import { openSessionWindow, type WindowSize } from '../lib/open-session-window';

/** Size of a new viewer window, in CSS pixels. */
const VIEWER_WINDOW: WindowSize = { width: 1280, height: 860 };

export function openViewerWindow(sessionId: string): Promise<void> {
  return openSessionWindow('viewer.html', sessionId, VIEWER_WINDOW);
}
