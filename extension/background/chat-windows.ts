/**
 * One chat window per session (chat.html?session=ID, a popup-type window), several at once.
 * Opening a session that already has a window focuses it; "arrange" lays every open chat window
 * out (cascade or tile) with windows.update. The session -> window map is persisted by the
 * caller (a restarted background must still know which windows are chats).
 */
import browser from 'webextension-polyfill';
import { cascade, tile, type Bounds } from '../lib/window-layout';
import type { WindowArea } from '../lib/ui-protocol';

/** Size of a new chat window, in CSS pixels. */
const CHAT_WIDTH_PX = 440;
const CHAT_HEIGHT_PX = 620;

export class ChatWindows {
  /** Opens in flight, so an accept reply and a session.assigned push make one window, not two. */
  private readonly opening = new Map<string, Promise<void>>();

  constructor(
    private map: Record<string, number>,
    private readonly onChange: () => void,
  ) {}

  /** Uses a new (persisted) map object, after the live picture was reset. */
  replaceMap(map: Record<string, number>): void {
    this.map = map;
  }

  sessionIds(): string[] {
    return Object.keys(this.map);
  }

  /** Opens or focuses the chat window of a session. */
  open(sessionId: string): Promise<void> {
    const inFlight = this.opening.get(sessionId);
    if (inFlight) return inFlight;
    const opened = this.openNow(sessionId).finally(() => this.opening.delete(sessionId));
    this.opening.set(sessionId, opened);
    return opened;
  }

  has(sessionId: string): boolean {
    return this.map[sessionId] !== undefined;
  }

  private async openNow(sessionId: string): Promise<void> {
    const existing = this.map[sessionId];
    if (existing !== undefined) {
      try {
        await browser.windows.update(existing, { focused: true, drawAttention: true });
        return;
      } catch {
        // the window was closed while we were not looking
        delete this.map[sessionId];
      }
    }
    const created = await browser.windows.create({
      url: browser.runtime.getURL(`/chat.html?session=${encodeURIComponent(sessionId)}`),
      type: 'popup',
      width: CHAT_WIDTH_PX,
      height: CHAT_HEIGHT_PX,
      focused: true,
    });
    if (created.id !== undefined) this.map[sessionId] = created.id;
    this.onChange();
  }

  /** Forgets a window the user closed; true when it was one of ours. */
  forgetWindow(windowId: number): boolean {
    for (const [sessionId, id] of Object.entries(this.map)) {
      if (id === windowId) {
        delete this.map[sessionId];
        this.onChange();
        return true;
      }
    }
    return false;
  }

  async close(sessionId: string): Promise<void> {
    const id = this.map[sessionId];
    if (id === undefined) return;
    delete this.map[sessionId];
    this.onChange();
    await browser.windows.remove(id).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.sessionIds().map((s) => this.close(s)));
  }

  /** Lays the open chat windows out; returns how many were moved. */
  async arrange(mode: 'cascade' | 'tile', area: WindowArea): Promise<number> {
    const entries = Object.entries(this.map).sort(([a], [b]) => a.localeCompare(b));
    const layout: Bounds[] = mode === 'cascade' ? cascade(entries.length, area) : tile(entries.length, area);
    let moved = 0;
    for (const [i, [sessionId, windowId]] of entries.entries()) {
      const bounds = layout[i];
      if (!bounds) continue;
      try {
        await browser.windows.update(windowId, { state: 'normal', ...bounds, focused: true });
        moved++;
      } catch {
        delete this.map[sessionId];
        this.onChange();
      }
    }
    return moved;
  }
}
