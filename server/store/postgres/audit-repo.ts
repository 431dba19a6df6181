/**
 * The audit log in PostgreSQL, chained by hash like the SQLite store's (../audit-rows.ts). A
 * write takes a transaction-scoped advisory lock, reads the last hash and appends, so writers on
 * every node chain one after the other, never two to the same predecessor. Entries written
 * before the chain existed (migration 30) are chained once, in order, when the store opens.
 */
import type pg from 'pg';
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
import type { AuditRepo } from '../store';
import { inTransaction, LOCKS, numbered, type Queryable } from './pg-pool';

async function lastHash(db: Queryable): Promise<string> {
  const r = await db.query<{ hash: string }>(
    'SELECT hash FROM audit WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1',
  );
  return r.rows[0]?.hash ?? GENESIS_HASH;
}

/** Chains the entries that have no hash yet (written before migration 30), in id order. */
export async function sealPendingAudit(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCKS.audit]);
    let prev = await lastHash(db);
    const rows = await db.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit WHERE hash IS NULL ORDER BY id`,
    );
    for (const r of rows.rows) {
      const hash = entryHash(hashedFields(r, prev));
      await db.query('UPDATE audit SET prev_hash = $1, hash = $2 WHERE id = $3', [prev, hash, r.id]);
      prev = hash;
    }
  });
}

export function auditRepo(pool: pg.Pool): AuditRepo {
  return {
    async write(e) {
      await inTransaction(pool, async (db) => {
        await db.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCKS.audit]);
        const prev = await lastHash(db);
        const details = JSON.stringify(e.details);
        const inserted = await db.query<{ id: number }>(
          'INSERT INTO audit (at, actor, action, target, details, address) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
          [e.at, e.actor, e.action, e.target, details, e.address],
        );
        const id = inserted.rows[0]!.id;
        const row: AuditRow = { ...e, id, details, prev_hash: null, hash: null };
        await db.query('UPDATE audit SET prev_hash = $1, hash = $2 WHERE id = $3', [
          prev,
          entryHash(hashedFields(row, prev)),
          id,
        ]);
      });
    },
    async recent(limit) {
      const r = await pool.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY id DESC LIMIT $1`, [
        limit,
      ]);
      return r.rows.map(auditEntryOf);
    },
    async query(f) {
      const { clause, values } = auditWhere(f);
      const total = await pool.query<{ n: number }>(
        numbered(`SELECT COUNT(*) AS n FROM audit ${clause}`),
        values,
      );
      const rows = await pool.query<AuditRow>(
        numbered(`SELECT ${AUDIT_COLUMNS} FROM audit ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`),
        [...values, f.limit, f.offset],
      );
      return { total: total.rows[0]!.n, entries: rows.rows.map(auditRecordOf) };
    },
    async verify() {
      return verifyChain(
        async (after, limit) =>
          (
            await pool.query<AuditRow>(
              `SELECT ${AUDIT_COLUMNS} FROM audit WHERE id > $1 ORDER BY id LIMIT $2`,
              [after, limit],
            )
          ).rows,
      );
    },
  };
}
