/**
 * Serves a selection we own (ICCCM "owner" side): answers SelectionRequest events for TARGETS,
 * TIMESTAMP, UTF8_STRING, TEXT and STRING by writing the requestor's property and sending it a
 * SelectionNotify. Contents larger than one X request are sent with the INCR protocol: an INCR
 * property with the size, then one chunk each time the requestor deletes the property, then an
 * empty chunk. Stalled INCR transfers are dropped after INCR_STALL_MS.
 */
import {
  eventCode,
  packSelectionNotify,
  parsePropertyNotify,
  parseSelectionClear,
  parseSelectionRequest,
  PROPERTY_DELETED,
  PROPERTY_NOTIFY,
  SELECTION_CLEAR,
  SELECTION_REQUEST,
  type SelectionRequest,
} from './selection-events';
import type { X11Connection } from './x11-connection';
import type { PlatformLog } from '../platform-log';

/** Bytes per INCR chunk. */
export const INCR_CHUNK_BYTES = 64 * 1024;
/** An INCR transfer whose requestor stops deleting the property is dropped after this, in ms. */
export const INCR_STALL_MS = 15_000;
/** Bytes of a ChangeProperty request before its data. */
const CHANGE_PROPERTY_HEADER_BYTES = 24;
/** Longest request without BIG-REQUESTS, in 4-byte units (our ChangeProperty packs a 16-bit length). */
const CORE_MAX_REQUEST_UNITS = 0xffff;

const PROP_MODE_REPLACE = 0;
/** Predefined atoms of the core protocol. */
const ATOM_ATOM = 4;
const ATOM_INTEGER = 19;
const ATOM_STRING = 31;
/** PropertyChange event mask bit. */
const PROPERTY_CHANGE_MASK = 0x00400000;

export interface SelectionAtoms {
  selection: number;
  targets: number;
  timestamp: number;
  utf8: number;
  text: number;
  incr: number;
}

interface IncrTransfer {
  requestor: number;
  property: number;
  type: number;
  data: Buffer;
  offset: number;
  finished: boolean;
  timer: NodeJS.Timeout;
}

export class SelectionOwner {
  private utf8: Buffer | null = null;
  private latin1: Buffer | null = null;
  private ownedSince = 0;
  private readonly transfers = new Map<string, IncrTransfer>();
  private readonly stopEvents: () => void;
  private readonly maxInlineBytes: number;

  constructor(
    private readonly conn: X11Connection,
    private readonly window: number,
    private readonly atoms: SelectionAtoms,
    private readonly log: PlatformLog,
  ) {
    const units = Math.min(conn.info.max_request_length || CORE_MAX_REQUEST_UNITS, CORE_MAX_REQUEST_UNITS);
    this.maxInlineBytes = units * 4 - CHANGE_PROPERTY_HEADER_BYTES;
    this.stopEvents = conn.onEvent((raw) => this.onEvent(raw));
  }

  /** The text we serve, or null when another client owns the selection. */
  get text(): string | null {
    return this.utf8 ? this.utf8.toString('utf8') : null;
  }

  /** Starts serving `text`; the caller has made us the owner as of `time`. */
  serve(text: string, time: number): void {
    this.utf8 = Buffer.from(text, 'utf8');
    this.latin1 = null;
    this.ownedSince = time;
  }

  /** Stops serving (another client took the selection); running INCR transfers finish. */
  drop(): void {
    this.utf8 = null;
    this.latin1 = null;
  }

  close(): void {
    this.drop();
    this.stopEvents();
    for (const t of this.transfers.values()) clearTimeout(t.timer);
    this.transfers.clear();
  }

  private onEvent(raw: Buffer): void {
    const code = eventCode(raw);
    if (code === SELECTION_REQUEST) {
      const req = parseSelectionRequest(raw);
      if (req.owner === this.window && req.selection === this.atoms.selection) this.answer(req);
    } else if (code === SELECTION_CLEAR) {
      const ev = parseSelectionClear(raw);
      if (ev.owner === this.window && ev.selection === this.atoms.selection) this.drop();
    } else if (code === PROPERTY_NOTIFY) {
      const ev = parsePropertyNotify(raw);
      if (ev.state !== PROPERTY_DELETED) return;
      const t = this.transfers.get(`${ev.window}:${ev.atom}`);
      if (t) this.sendNextChunk(t);
    }
  }

  private answer(req: SelectionRequest): void {
    // Obsolete clients pass no property: ICCCM says use the target's name.
    const property = req.property || req.target;
    const refused = () => this.notify(req, 0);
    const utf8 = this.utf8;
    // A request from before we owned the selection is for the previous owner's contents.
    if (!utf8 || (req.time !== 0 && req.time < this.ownedSince)) return refused();
    const a = this.atoms;
    const c = this.conn.client;
    if (req.target === a.targets) {
      c.ChangeProperty(PROP_MODE_REPLACE, req.requestor, property, ATOM_ATOM, 32, [
        a.targets,
        a.timestamp,
        a.utf8,
        a.text,
        ATOM_STRING,
      ]);
    } else if (req.target === a.timestamp) {
      c.ChangeProperty(PROP_MODE_REPLACE, req.requestor, property, ATOM_INTEGER, 32, [this.ownedSince]);
    } else if (req.target === a.utf8 || req.target === a.text) {
      return this.sendData(req, property, a.utf8, utf8);
    } else if (req.target === ATOM_STRING) {
      this.latin1 ??= latin1Of(utf8.toString('utf8'));
      return this.sendData(req, property, ATOM_STRING, this.latin1);
    } else {
      return refused(); // MULTIPLE, images, ...: not offered
    }
    this.notify(req, property);
  }

  private sendData(req: SelectionRequest, property: number, type: number, data: Buffer): void {
    const c = this.conn.client;
    if (data.length <= this.maxInlineBytes) {
      c.ChangeProperty(PROP_MODE_REPLACE, req.requestor, property, type, 8, data);
      this.notify(req, property);
      return;
    }
    const key = `${req.requestor}:${property}`;
    const previous = this.transfers.get(key);
    if (previous) clearTimeout(previous.timer);
    const transfer: IncrTransfer = {
      requestor: req.requestor,
      property,
      type,
      data,
      offset: 0,
      finished: false,
      timer: this.stallTimer(key),
    };
    this.transfers.set(key, transfer);
    // We must hear when the requestor deletes the property: select PropertyChange on its window.
    c.ChangeWindowAttributes(req.requestor, { eventMask: PROPERTY_CHANGE_MASK });
    c.ChangeProperty(PROP_MODE_REPLACE, req.requestor, property, this.atoms.incr, 32, [data.length]);
    this.notify(req, property);
  }

  private sendNextChunk(t: IncrTransfer): void {
    const key = `${t.requestor}:${t.property}`;
    if (t.finished) {
      // The requestor deleted the final empty property: done.
      clearTimeout(t.timer);
      this.transfers.delete(key);
      return;
    }
    clearTimeout(t.timer);
    t.timer = this.stallTimer(key);
    const chunk = t.data.subarray(t.offset, t.offset + INCR_CHUNK_BYTES);
    t.offset += chunk.length;
    if (chunk.length === 0) t.finished = true;
    this.conn.client.ChangeProperty(PROP_MODE_REPLACE, t.requestor, t.property, t.type, 8, chunk);
  }

  private stallTimer(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.transfers.delete(key);
      this.log.warn('clipboard.incr_stalled', {
        note: `the requestor stopped reading for ${INCR_STALL_MS} ms`,
      });
    }, INCR_STALL_MS);
    timer.unref();
    return timer;
  }

  private notify(req: SelectionRequest, property: number): void {
    const event = packSelectionNotify({
      time: req.time,
      requestor: req.requestor,
      selection: req.selection,
      target: req.target,
      property,
    });
    this.conn.client.SendEvent(req.requestor, 0, 0, event);
  }
}

/** STRING is Latin-1: characters outside it become '?'. */
function latin1Of(text: string): Buffer {
  let out = '';
  for (const ch of text) out += ch.codePointAt(0)! <= 0xff ? ch : '?';
  return Buffer.from(out, 'latin1');
}
