/**
 * The audit log in SQLite, chained by hash (server/audit/audit-chain.ts). A write reads the last
 * hash and inserts the new entry in one IMMEDIATE transaction, so two writers (the server and
 * the CLI on the same file) never chain to the same predecessor. Entries written before the chain
 * existed (migration 30) are chained once, in order, when the store opens.
 */
import { entryHash, GENESIS_HASH } from '../../audit/audit-chain';
import {
  AUDIT_COLUMNS,
  auditEntryOf,
  auditRecordOf,
  auditWhere,
  hashedFields,
  verifyChain,
  type AuditRow,
} from '../audit-rows';
import type { AuditFilter, AuditRepo } from '../store';
import type { Db } from './open-database';

export function auditRepo(db: Db): AuditRepo {
  const last = db.prepare('SELECT hash FROM audit WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1');
  const insert = db.prepare(
    'INSERT INTO audit (at, actor, action, target, details, address) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const seal = db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?');
  const unsealed = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE hash IS NULL ORDER BY id`);

  const sealPending = db.transaction(() => {
    let prev = (last.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
    for (const r of unsealed.all() as AuditRow[]) {
      const hash = entryHash(hashedFields(r, prev));
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
    seal.run(prev, entryHash(hashedFields(row, prev)), id);
  });

  return {
    async write(e) {
      writeTx.immediate(e);
    },
    async recent(limit) {
      return (
        db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY id DESC LIMIT ?`).all(limit) as AuditRow[]
      ).map(auditEntryOf);
    },
    async query(f: AuditFilter) {
      const { clause, values } = auditWhere(f);
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM audit ${clause}`).get(...values) as { n: number })
        .n;
      const rows = db
        .prepare(`SELECT ${AUDIT_COLUMNS} FROM audit ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(...values, f.limit, f.offset) as AuditRow[];
      return { total, entries: rows.map(auditRecordOf) };
    },
    async verify() {
      const page = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE id > ? ORDER BY id LIMIT ?`);
      return verifyChain(async (after, limit) => page.all(after, limit) as AuditRow[]);
    },
  };
}
