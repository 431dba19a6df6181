/**
 * Clipboard for an X11 display: the CLIPBOARD selection (what Ctrl+C / Ctrl+V use), on its own X
 * connection with one unmapped window. readText converts the selection to UTF8_STRING (STRING as
 * the fallback for old owners); writeText owns the selection and serves it until another client
 * takes it. onChange uses XFIXES selection events, or polls the owner where XFIXES is missing.
 */
import type { FixesExtension } from 'x11';
import { ProtocolError } from '../../../protocol/errors';
import type { Clipboard } from '../types';
import {
  EventQueue,
  EventTimeoutError,
  eventCode,
  parsePropertyNotify,
  PROPERTY_NOTIFY,
} from './selection-events';
import { SelectionOwner, type SelectionAtoms } from './selection-owner';
import { readSelection, SelectionTooLargeError } from './selection-reader';
import { X11Connection } from './x11-connection';
import type { PlatformLog } from '../platform-log';

/** Largest clipboard text read or written, in bytes of UTF-8. */
export const CLIPBOARD_MAX_BYTES = 16 * 1024 * 1024;
/** How long the clipboard's owner may take to answer a request, in ms. */
export const CLIPBOARD_ANSWER_TIMEOUT_MS = 3000;
/** How long the owner may take for each chunk of a large (INCR) clipboard, in ms. */
export const CLIPBOARD_CHUNK_TIMEOUT_MS = 5000;
/** Without XFIXES: how often the clipboard's owner is checked for changes, in ms. */
export const CLIPBOARD_POLL_INTERVAL_MS = 1000;

const ATOM_STRING = 31;
const INPUT_ONLY = 2;
const PROP_MODE_APPEND = 2;
const PROPERTY_CHANGE_MASK = 0x00400000;

export class X11Clipboard implements Clipboard {
  private readonly listeners = new Set<() => void>();
  private stopWatching: (() => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly conn: X11Connection,
    private readonly window: number,
    private readonly atoms: SelectionAtoms & { transfer: number; stamp: number },
    private readonly owner: SelectionOwner,
    private readonly fixes: FixesExtension | null,
  ) {}

  static async open(displayName: string, log: PlatformLog): Promise<X11Clipboard> {
    const conn = await X11Connection.open(displayName, log);
    try {
      const [selection, targets, timestamp, utf8, text, incr, transfer, stamp] = await Promise.all([
        conn.atom('CLIPBOARD'),
        conn.atom('TARGETS'),
        conn.atom('TIMESTAMP'),
        conn.atom('UTF8_STRING'),
        conn.atom('TEXT'),
        conn.atom('INCR'),
        conn.atom('LIFELINE_CLIPBOARD'),
        conn.atom('LIFELINE_STAMP'),
      ]);
      const atoms = { selection, targets, timestamp, utf8, text, incr, transfer, stamp };
      const window = conn.client.AllocID();
      conn.client.CreateWindow(window, conn.root, -10, -10, 1, 1, 0, 0, INPUT_ONLY, 0, {
        eventMask: PROPERTY_CHANGE_MASK,
      });
      await conn.sync();
      const fixes = await conn.extension('fixes');
      const owner = new SelectionOwner(conn, window, atoms, log);
      return new X11Clipboard(conn, window, atoms, owner, fixes);
    } catch (err) {
      await conn.close();
      throw err;
    }
  }

  readText(): Promise<string> {
    return this.enqueue(async () => {
      const own = this.owner.text;
      if (own !== null) return own;
      const owner = await this.conn.call<number>('GetSelectionOwner', (cb) =>
        this.conn.client.GetSelectionOwner(this.atoms.selection, cb),
      );
      if (owner === 0) return ''; // nobody holds the clipboard: it is empty
      for (const [target, encoding] of [
        [this.atoms.utf8, 'utf8'],
        [ATOM_STRING, 'latin1'],
      ] as const) {
        const bytes = await this.read(target);
        if (bytes) return bytes.toString(encoding);
      }
      return ''; // the owner offers no text (an image, files...)
    });
  }

  writeText(text: string): Promise<void> {
    return this.enqueue(async () => {
      if (Buffer.byteLength(text, 'utf8') > CLIPBOARD_MAX_BYTES) {
        throw new ProtocolError(
          'message_too_large',
          `clipboard text is larger than ${CLIPBOARD_MAX_BYTES} bytes`,
        );
      }
      const time = await this.serverTime();
      this.conn.client.SetSelectionOwner(this.window, this.atoms.selection, time);
      const owner = await this.conn.call<number>('GetSelectionOwner', (cb) =>
        this.conn.client.GetSelectionOwner(this.atoms.selection, cb),
      );
      if (owner !== this.window) {
        throw new ProtocolError('unavailable', 'the X server did not let us take the clipboard');
      }
      this.owner.serve(text, time);
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.startWatching();
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) {
        this.stopWatching?.();
        this.stopWatching = null;
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.stopWatching?.();
    this.stopWatching = null;
    await this.queue.catch(() => undefined);
    this.owner.close();
    if (!this.conn.closed) this.conn.client.DestroyWindow(this.window);
    await this.conn.close();
  }

  private async read(target: number): Promise<Buffer | null> {
    try {
      return await readSelection(this.conn, {
        window: this.window,
        selection: this.atoms.selection,
        target,
        property: this.atoms.transfer,
        incrAtom: this.atoms.incr,
        maxBytes: CLIPBOARD_MAX_BYTES,
        answerTimeoutMs: CLIPBOARD_ANSWER_TIMEOUT_MS,
        chunkTimeoutMs: CLIPBOARD_CHUNK_TIMEOUT_MS,
      });
    } catch (err) {
      if (err instanceof SelectionTooLargeError) throw new ProtocolError('message_too_large', err.message);
      if (err instanceof EventTimeoutError) {
        throw new ProtocolError(
          'unavailable',
          `the application holding the clipboard did not answer: ${err.message}`,
        );
      }
      throw err;
    }
  }

  /**
   * A real server timestamp (ICCCM forbids CurrentTime for SetSelectionOwner): append nothing to a
   * property of our window and read the time of the PropertyNotify it causes.
   */
  private async serverTime(): Promise<number> {
    const stamps = new EventQueue<number>(this.conn, (raw) => {
      if (eventCode(raw) !== PROPERTY_NOTIFY) return null;
      const ev = parsePropertyNotify(raw);
      return ev.window === this.window && ev.atom === this.atoms.stamp ? ev.time : null;
    });
    try {
      this.conn.client.ChangeProperty(
        PROP_MODE_APPEND,
        this.window,
        this.atoms.stamp,
        ATOM_STRING,
        8,
        Buffer.alloc(0),
      );
      return await stamps.next(CLIPBOARD_ANSWER_TIMEOUT_MS, 'the X server timestamp');
    } finally {
      stamps.close();
    }
  }

  private startWatching(): void {
    const notifyAll = () => {
      for (const l of [...this.listeners]) l();
    };
    const fixes = this.fixes;
    if (fixes) {
      const code = fixes.firstEvent; // XFixesSelectionNotify is the extension's event 0
      const stop = this.conn.onEvent((raw) => {
        if (eventCode(raw) !== code) return;
        const owner = raw.readUInt32LE(8);
        const selection = raw.readUInt32LE(12);
        // Our own writeText is not a change "by another application".
        if (selection === this.atoms.selection && owner !== this.window) notifyAll();
      });
      const m = fixes.SelectionEventMask;
      const mask = m.SetSelectionOwner | m.SelectionWindowDestroy | m.SelectionClientClose;
      fixes.SelectSelectionInput(this.window, this.atoms.selection, mask);
      this.stopWatching = () => {
        stop();
        if (!this.conn.closed) fixes.SelectSelectionInput(this.window, this.atoms.selection, 0);
      };
      return;
    }
    // No XFIXES: poll the owner. This sees a new owner, not the same owner copying again.
    let last = -1;
    const timer = setInterval(() => {
      this.conn
        .call<number>('GetSelectionOwner', (cb) =>
          this.conn.client.GetSelectionOwner(this.atoms.selection, cb),
        )
        .then((owner) => {
          if (last !== -1 && owner !== last && owner !== this.window) notifyAll();
          last = owner;
        })
        .catch(() => undefined);
    }, CLIPBOARD_POLL_INTERVAL_MS);
    timer.unref();
    this.stopWatching = () => clearInterval(timer);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
