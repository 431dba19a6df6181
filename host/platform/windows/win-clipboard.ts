/**
 * The Windows clipboard as Unicode text (CF_UNICODETEXT), both ways. Reading checks the size of
 * the clipboard's memory before decoding it (CLIPBOARD_MAX_CHARS); writing needs a window to own
 * the clipboard (with none, Windows empties it and then refuses the data), so a message-only
 * window is made on first write. Another program may hold the clipboard open for a moment: opening is
 * retried a few times before giving up with a clear error. Changes are noticed by polling the
 * clipboard's sequence number (no window or message loop needed); our own writes are not
 * reported back.
 *
 * The owner window lives on the main thread, which has no message loop, yet the next program to
 * copy sends it WM_DESTROYCLIPBOARD and waits for the answer (Wine waited 5 s, then took the
 * helper for hung). So while it exists its messages are pumped every CLIPBOARD_PUMP_MS.
 */
import { ProtocolError } from '../../../protocol/errors';
import type { Clipboard } from '../types';
import { loadWin32, win32, type Handle } from './win32';

/** Largest clipboard text read, in UTF-16 units (matches the session's clipboard limit). */
export const CLIPBOARD_MAX_CHARS = 4 * 1024 * 1024;
/** How often the sequence number is polled while someone listens, in ms. */
export const CLIPBOARD_POLL_MS = 250;
/** How often the owner window's messages are answered while it exists, in ms. */
export const CLIPBOARD_PUMP_MS = 50;
/** Messages handled per pump at most (the owner gets a few; a flood must not hold the loop). */
const PUMP_BATCH_MAX = 32;
const PM_REMOVE = 0x1;
/** Attempts to open a clipboard another program holds, and the wait between them (ms). */
const OPEN_ATTEMPTS = 10;
const OPEN_RETRY_MS = 20;
const CF_UNICODETEXT = 13;
const GMEM_MOVEABLE = 0x2;
/** The parent that makes a message-only window. */
const HWND_MESSAGE = -3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Win32Clipboard implements Clipboard {
  private owner: Handle = null;
  private readonly listeners = new Set<() => void>();
  private poll: NodeJS.Timeout | null = null;
  private pump: NodeJS.Timeout | null = null;
  private seen = 0;

  static async open(): Promise<Win32Clipboard> {
    await loadWin32();
    const c = new Win32Clipboard();
    c.seen = win32().user32.GetClipboardSequenceNumber();
    return c;
  }

  private async withClipboard<T>(owner: Handle, use: () => T): Promise<T> {
    const { user32 } = win32();
    for (let i = 0; i < OPEN_ATTEMPTS; i++) {
      if (user32.OpenClipboard(owner)) {
        try {
          return use();
        } finally {
          user32.CloseClipboard();
        }
      }
      await sleep(OPEN_RETRY_MS);
    }
    throw new ProtocolError('unavailable', 'the clipboard is in use by another program; try again');
  }

  async readText(): Promise<string> {
    const { user32, kernel32, koffi } = win32();
    return this.withClipboard(null, () => {
      if (!user32.IsClipboardFormatAvailable(CF_UNICODETEXT)) return '';
      const mem = user32.GetClipboardData(CF_UNICODETEXT);
      if (!mem) return '';
      const bytes = Number(kernel32.GlobalSize(mem));
      if (bytes > (CLIPBOARD_MAX_CHARS + 1) * 2) {
        throw new ProtocolError(
          'message_too_large',
          `the clipboard holds more than ${CLIPBOARD_MAX_CHARS} characters`,
        );
      }
      const ptr = kernel32.GlobalLock(mem);
      if (!ptr) return '';
      try {
        const units = new Uint16Array(koffi.view(ptr, bytes - (bytes % 2)));
        const end = units.indexOf(0);
        return Buffer.from(units.buffer, 0, (end < 0 ? units.length : end) * 2).toString('utf16le');
      } finally {
        kernel32.GlobalUnlock(mem);
      }
    });
  }

  async writeText(text: string): Promise<void> {
    if (text.length > CLIPBOARD_MAX_CHARS) {
      throw new ProtocolError('message_too_large', `text longer than ${CLIPBOARD_MAX_CHARS} characters`);
    }
    const { user32, kernel32, koffi } = win32();
    const data = Buffer.from(`${text}\0`, 'utf16le');
    const mem = kernel32.GlobalAlloc(GMEM_MOVEABLE, data.length);
    if (!mem) throw new ProtocolError('unavailable', 'out of memory for the clipboard');
    const ptr = kernel32.GlobalLock(mem);
    new Uint8Array(koffi.view(ptr, data.length)).set(data);
    kernel32.GlobalUnlock(mem);
    let handed = false;
    try {
      await this.withClipboard(this.ownerWindow(), () => {
        user32.EmptyClipboard();
        handed = Boolean(user32.SetClipboardData(CF_UNICODETEXT, mem)); // Windows owns mem from here
        if (!handed) throw new ProtocolError('unavailable', 'Windows refused the clipboard text');
      });
    } finally {
      if (!handed) kernel32.GlobalFree(mem);
    }
    this.seen = user32.GetClipboardSequenceNumber();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.poll) {
      this.poll = setInterval(() => {
        const seq = win32().user32.GetClipboardSequenceNumber();
        if (seq === this.seen) return;
        this.seen = seq;
        for (const l of [...this.listeners]) l();
      }, CLIPBOARD_POLL_MS);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.poll) {
        clearInterval(this.poll);
        this.poll = null;
      }
    };
  }

  private ownerWindow(): Handle {
    if (!this.owner) {
      // A message-only window (never shown, never active: a hidden top-level window took the
      // keyboard from the customer's application under Wine); it only owns what we copy.
      this.owner = win32().user32.CreateMessageWindow(
        0,
        'STATIC',
        'Lifeline clipboard',
        0,
        0,
        0,
        0,
        0,
        HWND_MESSAGE,
        null,
        null,
        null,
      );
      if (this.owner) {
        const msg = {};
        this.pump = setInterval(() => {
          const { user32 } = win32();
          for (let i = 0; i < PUMP_BATCH_MAX && user32.PeekMessageW(msg, this.owner, 0, 0, PM_REMOVE); i++) {
            user32.DispatchMessageW(msg);
          }
        }, CLIPBOARD_PUMP_MS);
        this.pump.unref();
      }
    }
    return this.owner;
  }

  async close(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    if (this.pump) clearInterval(this.pump);
    this.pump = null;
    this.listeners.clear();
    if (this.owner) win32().user32.DestroyWindow(this.owner);
    this.owner = null;
  }
}
