/**
 * The audit log in SQLite, chained by hash (server/audit/audit-chain.ts). A write reads the last
 * hash and inserts the new entry in one IMMEDIATE transaction, so two writers (the server and
 * the CLI on the same file) never chain to the same predecessor. Entries written before the chain
 * existed (migration 30) are chained once, in order, when the store opens.
 */
import { entryHash, GENESIS_HASH } from '../../audit/audit-chain';
import type { AuditFilter, AuditRecord, AuditRepo, AuditVerification } from '../store';
import type { Db } from './open-database';

interface AuditRow {
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

const COLUMNS = 'id, at, actor, action, target, details, address, prev_hash, hash';
/** Rows verified per read, to keep memory flat on a long log. */
const VERIFY_BATCH = 1000;

function fieldsOf(r: AuditRow, prevHash: string) {
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

function recordOf(r: AuditRow): AuditRecord {
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

/** LIKE with the filter's own `%` and `_` taken literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function auditRepo(db: Db): AuditRepo {
  const last = db.prepare('SELECT hash FROM audit WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1');
  const insert = db.prepare(
    'INSERT INTO audit (at, actor, action, target, details, address) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const seal = db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?');
  const unsealed = db.prepare(`SELECT ${COLUMNS} FROM audit WHERE hash IS NULL ORDER BY id`);

  const sealPending = db.transaction(() => {
    let prev = (last.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
    for (const r of unsealed.all() as AuditRow[]) {
      const hash = entryHash(fieldsOf(r, prev));
      seal.run(prev, hash, r.id);
      prev = hash;
    }
  });
  sealPending.immediate();

  const writeTx = db.transaction((e: Parameters<AuditRepo['write']>[0]) => {
    const prev = (last.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
    const details = JSON.stringify(e.details);
    const id = Number(insert.run(e.at, e.actor, e.action, e.target, details, e.address).lastInsertRowid);
    const row: AuditRow = { ...e, id, details, prev_hash: null, hash: null };
    seal.run(prev, entryHash(fieldsOf(row, prev)), id);
  });

  return {
    async write(e) {
      writeTx.immediate(e);
    },
    async recent(limit) {
      return (db.prepare(`SELECT ${COLUMNS} FROM audit ORDER BY id DESC LIMIT ?`).all(limit) as AuditRow[])
        .map(recordOf)
        .map(({ at, actor, action, target, details, address }) => ({
          at,
          actor,
          action,
          target,
          details,
          address,
        }));
    },
    async query(f: AuditFilter) {
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
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM audit ${clause}`).get(...values) as { n: number })
        .n;
      const rows = db
        .prepare(`SELECT ${COLUMNS} FROM audit ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(...values, f.limit, f.offset) as AuditRow[];
      return { total, entries: rows.map(recordOf) };
    },
    async verify(): Promise<AuditVerification> {
      const page = db.prepare(`SELECT ${COLUMNS} FROM audit WHERE id > ? ORDER BY id LIMIT ?`);
      let prev = GENESIS_HASH;
      let after = 0;
      let entries = 0;
      for (;;) {
        const rows = page.all(after, VERIFY_BATCH) as AuditRow[];
        if (rows.length === 0) return { ok: true, entries };
        for (const r of rows) {
          entries++;
          if (r.prev_hash !== prev)
            return { ok: false, entries, brokenAt: r.id, action: r.action, at: r.at, reason: 'chain_broken' };
          if (r.hash !== entryHash(fieldsOf(r, prev)))
            return {
              ok: false,
              entries,
              brokenAt: r.id,
              action: r.action,
              at: r.at,
              reason: 'entry_changed',
            };
          prev = r.hash;
          after = r.id;
        }
      }
    },
  };
}
