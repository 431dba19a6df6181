/**
 * A file the customer offers to the agent from the helper (issue 13, item 5): the customer names a
 * file on their disk, the helper checks it is inside one of the places the agent may browse (the
 * same rules: no hidden folder or file, links judged by FileAccess), takes its size from the
 * folder's listing (nothing of the file is read), and tells the viewers its name and size. The
 * agent accepts with a file.fetch carrying the offer's id (the usual download, SHA-256 checked)
 * or declines; the customer is told either way. One offer is pending at a time. The customer may
 * withdraw it while it is pending (the viewers are told, files.offer.withdrawn); an Accept that
 * was already on its way then fails with offer_withdrawn instead of reading the file.
 *
 *   none --offer--> pending --fetch{offer}--> none (accepted)
 *                           --declined------> none (declined)
 *                           --withdraw------> none (withdrawn: a later fetch{offer} is refused)
 */
import path from 'node:path';
import { newFileId, type FileWhere, type FilesToViewer } from '../../../protocol/data/files';
import { ProtocolError } from '../../../protocol/errors';
import type { FileAccess } from '../../platform/types';
import { fileIn, resolveWhere } from './file-where';

/** Withdrawn offers remembered, so a late Accept of one is refused by name (oldest forgotten first). */
export const WITHDRAWN_OFFERS_KEPT = 16;

export interface OfferEvent {
  offer: string;
  name: string;
  answer: 'accepted' | 'declined';
  /** The agent who accepted (declines carry no name: any viewer may decline). */
  agentName?: string;
}

interface Pending {
  offer: string;
  where: FileWhere;
  name: string;
  size: number;
}

export interface CustomerOfferDeps {
  files(): FileAccess;
  send(msg: FilesToViewer): void;
  answered(event: OfferEvent): void;
}

export class CustomerOffer {
  private pending: Pending | null = null;
  /** Ids of offers the customer withdrew (at most WITHDRAWN_OFFERS_KEPT, oldest first). */
  private readonly withdrawnIds: string[] = [];

  constructor(private readonly deps: CustomerOfferDeps) {}

  get current(): string | null {
    return this.pending?.offer ?? null;
  }

  async offer(localPath: string): Promise<string> {
    if (this.pending)
      throw new ProtocolError('unavailable', 'a file is already offered; wait for the agent to answer');
    const files = this.deps.files();
    const where = await whereOf(files, path.resolve(localPath));
    const name = path.basename(localPath);
    const folder = await resolveWhere(files, where);
    fileIn(folder.dir, name);
    const entry = (await files.list(folder.dir)).find((e) => e.name === name);
    if (!entry || entry.kind !== 'file')
      throw new ProtocolError('not_found', `there is no file named "${name}" there`);
    const offer = newFileId();
    this.pending = { offer, where, name, size: entry.size };
    this.deps.send(this.message(this.pending));
    return offer;
  }

  /** The pending offer as a viewer that (re)connects must see it, or null. */
  pendingMessage(): FilesToViewer | null {
    return this.pending ? this.message(this.pending) : null;
  }

  private message(p: Pending): FilesToViewer {
    return { type: 'files.offered', offer: p.offer, where: p.where, name: p.name, size: p.size };
  }

  /** A fetch carrying `offer`: it accepts the pending offer only if it names the same file. */
  accepted(offer: string, where: FileWhere, name: string, agentName: string): void {
    const p = this.pending;
    if (!p || p.offer !== offer || p.name !== name) return;
    if (p.where.place !== where.place || p.where.dirs.join('/') !== where.dirs.join('/')) return;
    this.pending = null;
    this.deps.answered({ offer, name, answer: 'accepted', agentName });
  }

  /**
   * The customer withdraws the pending offer: the viewers stop showing it. Returns the file's name,
   * or null when nothing was pending (already answered, or never offered).
   */
  withdraw(): string | null {
    const p = this.pending;
    if (!p) return null;
    this.pending = null;
    this.withdrawnIds.push(p.offer);
    if (this.withdrawnIds.length > WITHDRAWN_OFFERS_KEPT) this.withdrawnIds.shift();
    this.deps.send({ type: 'files.offer.withdrawn', offer: p.offer });
    return p.name;
  }

  /** Refuses a fetch that accepts an offer the customer withdrew (checked before the file is opened). */
  checkNotWithdrawn(offer: string): void {
    if (this.withdrawnIds.includes(offer))
      throw new ProtocolError('offer_withdrawn', 'the customer withdrew this file before it was accepted');
  }

  declined(offer: string): void {
    const p = this.pending;
    if (!p || p.offer !== offer) return;
    this.pending = null;
    this.deps.answered({ offer, name: p.name, answer: 'declined' });
  }
}

/** The place (the most specific one) and folders holding `file`, or refused: outside every place. */
async function whereOf(files: FileAccess, file: string): Promise<FileWhere> {
  let best: FileWhere | null = null;
  for (const place of await files.places()) {
    const rel = path.relative(path.resolve(place.path), path.dirname(file));
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const dirs = rel === '' ? [] : rel.split(path.sep);
    if (!best || dirs.length < best.dirs.length) best = { place: place.name, dirs };
  }
  if (!best) throw new ProtocolError('forbidden', 'the file is not in a folder the agent may see');
  return best;
}
