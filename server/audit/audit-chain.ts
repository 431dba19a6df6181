/**
 * The audit log's hash chain: each entry's hash covers its own stored fields and the previous
 * entry's hash, so changing, inserting or deleting an entry anywhere but at the very end breaks
 * every link after it, and `lifeline audit verify` names the first one. The hash covers the
 * entry's id (its place), so an entry moved or removed is caught too. Details are hashed as the
 * JSON text that is stored, so reading and re-serialising never changes a hash.
 *
 * What a chain cannot tell: entries cut off at the end (the log simply looks shorter), and a
 * rewrite of the whole chain by someone who can also recompute it (keep copies of the latest
 * hash elsewhere to catch that: `GET /api/v1/manage/audit` shows it).
 */
import { createHash } from 'node:crypto';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  /** The details exactly as stored (JSON text). */
  detailsJson: string;
  address: string | null;
  prevHash: string;
}

export function entryHash(f: ChainFields): string {
  const canonical = JSON.stringify([
    f.id,
    f.at,
    f.actor,
    f.action,
    f.target,
    f.detailsJson,
    f.address,
    f.prevHash,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
