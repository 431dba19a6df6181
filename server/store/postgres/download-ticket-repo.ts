/**
 * Download tickets in PostgreSQL (../store.ts DownloadTicketRepo), table `download_tickets`
 * (migration 56), with the SQLite store's semantics. `issue` inserts and applies every bound in
 * one transaction, under an advisory lock on the issuing agent (whose sessions the bounds cover),
 * so two nodes issuing at once cannot both stay under a cap; `spend` is one conditional UPDATE, so
 * of two helpers started from one file exactly one wins, on any node.
 */
import type pg from 'pg';
import type { DownloadTicketRecord, DownloadTicketRepo, DownloadTicketState } from '../store';
import { inTransaction, LOCKS } from './pg-pool';

interface Row {
  session_id: string;
  state: DownloadTicketState;
  expires_at: number;
}

/** Rows of one key beyond the newest `keep` ($3). */
const beyondNewest = (where: string) =>
  `SELECT seq FROM download_tickets WHERE ${where} ORDER BY seq DESC OFFSET $3`;

export function postgresDownloadTicketRepo(pool: pg.Pool): DownloadTicketRepo {
  return {
    async issue(t, caps): Promise<void> {
      await inTransaction(pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCKS.downloadTickets, t.agentId]);
        await c.query(
          `INSERT INTO download_tickets (hash, session_id, agent_id, state, issued_at, expires_at)
           VALUES ($1, $2, $3, 'live', $4, $5)`,
          [t.hash, t.sessionId, t.agentId, t.issuedAt, t.expiresAt],
        );
        await c.query(
          `UPDATE download_tickets SET state = 'used'
           WHERE seq IN (${beyondNewest("session_id = $1 AND state = 'live' AND expires_at > $2")})`,
          [t.sessionId, t.issuedAt, caps.livePerSession],
        );
        await c.query(
          `UPDATE download_tickets SET state = 'used'
           WHERE seq IN (${beyondNewest("agent_id = $1 AND state = 'live' AND expires_at > $2")})`,
          [t.agentId, t.issuedAt, caps.livePerAccount],
        );
        await c.query(
          `DELETE FROM download_tickets
           WHERE seq IN (${beyondNewest("session_id = $1 AND (state != 'live' OR expires_at <= $2)")})`,
          [t.sessionId, t.issuedAt, caps.tombstonesPerSession],
        );
      });
    },
    async get(hash): Promise<DownloadTicketRecord | null> {
      const r = await pool.query<Row>(
        'SELECT session_id, state, expires_at FROM download_tickets WHERE hash = $1',
        [hash],
      );
      const row = r.rows[0];
      return row ? { sessionId: row.session_id, state: row.state, expiresAt: row.expires_at } : null;
    },
    async spend(hash, now): Promise<boolean> {
      const r = await pool.query(
        "UPDATE download_tickets SET state = 'used' WHERE hash = $1 AND state = 'live' AND expires_at > $2",
        [hash, now],
      );
      return r.rowCount === 1;
    },
    async settleSession(sessionId, state): Promise<void> {
      await pool.query("UPDATE download_tickets SET state = $1 WHERE session_id = $2 AND state = 'live'", [
        state,
        sessionId,
      ]);
    },
    async live(now): Promise<number> {
      const r = await pool.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM download_tickets WHERE state = 'live' AND expires_at > $1",
        [now],
      );
      return r.rows[0]!.n;
    },
    async sweep(before): Promise<void> {
      await pool.query('DELETE FROM download_tickets WHERE expires_at < $1', [before]);
    },
  };
}
