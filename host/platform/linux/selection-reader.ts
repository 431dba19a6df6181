/**
 * Reads a selection's contents as one target (ICCCM "requestor" side): ConvertSelection into a
 * property on our window, wait for SelectionNotify, read and delete the property; when the owner
 * answers with type INCR (large contents), keep deleting the property and reading each chunk the
 * owner writes until it writes an empty one. Contract: resolves with the bytes, or null when the
 * owner refuses the target; rejects on timeout or when the contents exceed `maxBytes` (checked
 * against the owner's size hint and the running total, before more is buffered).
 */
import type { GetPropertyReply } from 'x11';
import {
  EventQueue,
  eventCode,
  parsePropertyNotify,
  parseSelectionNotify,
  PROPERTY_NEW_VALUE,
  PROPERTY_NOTIFY,
  SELECTION_NOTIFY,
  type SelectionNotify,
} from './selection-events';
import type { X11Connection } from './x11-connection';

export class SelectionTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`the clipboard holds more than ${maxBytes} bytes`);
    this.name = 'SelectionTooLargeError';
  }
}

export interface ReadSelectionOptions {
  window: number;
  selection: number;
  target: number;
  property: number;
  incrAtom: number;
  maxBytes: number;
  /** Wait for the owner's first answer, in ms. */
  answerTimeoutMs: number;
  /** Wait for each INCR chunk, in ms. */
  chunkTimeoutMs: number;
}

/** Property length asked for in one GetProperty, in 4-byte units (the reply must fit in memory anyway). */
function longsFor(bytes: number): number {
  return Math.ceil(bytes / 4) + 1;
}

export async function readSelection(conn: X11Connection, o: ReadSelectionOptions): Promise<Buffer | null> {
  const notifications = new EventQueue<SelectionNotify>(conn, (raw) => {
    if (eventCode(raw) !== SELECTION_NOTIFY) return null;
    const ev = parseSelectionNotify(raw);
    return ev.requestor === o.window && ev.selection === o.selection ? ev : null;
  });
  const newValues = new EventQueue<true>(conn, (raw) => {
    if (eventCode(raw) !== PROPERTY_NOTIFY) return null;
    const ev = parsePropertyNotify(raw);
    return ev.window === o.window && ev.atom === o.property && ev.state === PROPERTY_NEW_VALUE ? true : null;
  });
  const getProperty = () =>
    conn.call<GetPropertyReply>('GetProperty', (cb) =>
      conn.client.GetProperty(1, o.window, o.property, 0, 0, longsFor(o.maxBytes), cb),
    );
  try {
    conn.client.DeleteProperty(o.window, o.property);
    conn.client.ConvertSelection(o.window, o.selection, o.target, o.property, 0);
    const answer = await notifications.next(o.answerTimeoutMs, 'the clipboard owner answering');
    if (answer.property === 0) return null; // the owner cannot give this target
    const first = await getProperty();
    if (first.type !== o.incrAtom) {
      if (first.bytesAfter > 0) throw new SelectionTooLargeError(o.maxBytes);
      return Buffer.from(first.data);
    }
    // INCR: the data is the owner's lower bound of the size. Deleting the property (done by the
    // GetProperty above) tells the owner to write the first chunk.
    const hint = first.data.length >= 4 ? first.data.readUInt32LE(0) : 0;
    if (hint > o.maxBytes) throw new SelectionTooLargeError(o.maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      await newValues.next(o.chunkTimeoutMs, 'the next clipboard chunk');
      const chunk = await getProperty();
      // A NewValue we already consumed (the INCR header's own) reads as "no such property": skip it.
      if (chunk.type === 0) continue;
      if (chunk.bytesAfter > 0) throw new SelectionTooLargeError(o.maxBytes);
      if (chunk.data.length === 0) break; // an empty chunk ends the transfer
      total += chunk.data.length;
      if (total > o.maxBytes) throw new SelectionTooLargeError(o.maxBytes);
      chunks.push(Buffer.from(chunk.data));
    }
    return Buffer.concat(chunks, total);
  } finally {
    notifications.close();
    newValues.close();
  }
}
