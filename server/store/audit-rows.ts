/**
 * The audit log's rows and the parts of its queries both stores share (sqlite/audit-repo.ts,
 * postgres/audit-repo.ts): row -> record, the hashed fields of an entry, the filter's WHERE
 * clause (with `?` placeholders; PostgreSQL numbers them) and the chain check, read in pages.
 */
import { entryHash, GENESIS_HASH } from '../audit/audit-chain';
import type { AuditFilter, AuditRecord, AuditVerification } from './store';

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  details: string;
  address: string | null;
  prev_hash: string | null;
  hash: string | null;
}

export const AUDIT_COLUMNS = 'id, at, actor, action, target, details, address, prev_hash, hash';
/** Rows verified per read, to keep memory flat on a long log. */
export const VERIFY_BATCH = 1000;

/** What an entry's hash covers, chained to `prevHash`. */
export function hashedFields(r: AuditRow, prevHash: string) {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    detailsJson: r.details,
    address: r.address,
    prevHash,
  };
}

export function auditRecordOf(r: AuditRow): AuditRecord {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(r.details);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      details = Object.fromEntries(Object.entries(parsed));
  } catch {
    details = {};
  }
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    details,
    address: r.address,
    prevHash: r.prev_hash ?? '',
    hash: r.hash ?? '',
  };
}

/** The plain entry of a record (what `recent` returns). */
export function auditEntryOf(r: AuditRow) {
  const { at, actor, action, target, details, address } = auditRecordOf(r);
  return { at, actor, action, target, details, address };
}

/** `text%` for LIKE, with the text's own `%`, `_` and `\` taken literally (ESCAPE '\'). */
export function likePrefix(prefix: string): string {
  return `${escapeLike(prefix)}%`;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The filter as a WHERE clause (empty when it filters nothing) and its values, in order. */
export function auditWhere(f: AuditFilter): { clause: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  if (f.actor !== undefined) {
    where.push('actor = ?');
    values.push(f.actor);
  }
  if (f.action !== undefined) {
    if (f.action.endsWith('.')) {
      where.push("action LIKE ? ESCAPE '\\'");
      values.push(likePrefix(f.action));
    } else {
      where.push('action = ?');
      values.push(f.action);
    }
  }
  if (f.target !== undefined) {
    where.push('target = ?');
    values.push(f.target);
  }
  if (f.from !== undefined) {
    where.push('at >= ?');
    values.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('at < ?');
    values.push(f.to);
  }
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', values };
}

/**
 * Recomputes the chain from the first entry, `VERIFY_BATCH` rows at a time (`page` reads the rows
 * after an id, in id order), and reports the first link that does not hold.
 */
export async function verifyChain(
  page: (afterId: number, limit: number) => Promise<AuditRow[]>,
): Promise<AuditVerification> {
  let prev = GENESIS_HASH;
  let after = 0;
  let entries = 0;
  for (;;) {
    const rows = await page(after, VERIFY_BATCH);
    if (rows.length === 0) return { ok: true, entries };
    for (const r of rows) {
      entries++;
      const broken = { ok: false as const, entries, brokenAt: r.id, action: r.action, at: r.at };
      if (r.prev_hash !== prev) return { ...broken, reason: 'chain_broken' };
      if (r.hash !== entryHash(hashedFields(r, prev))) return { ...broken, reason: 'entry_changed' };
      prev = r.hash;
      after = r.id;
    }
  }
}
