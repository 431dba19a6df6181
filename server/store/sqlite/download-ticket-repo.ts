/**
 * Download tickets in the SQLite file (../store.ts DownloadTicketRepo), table `download_tickets`
 * (migration 56). `issue` runs the insert and every bound in one IMMEDIATE transaction; `spend`
 * is one conditional UPDATE, so of two helpers started from one file exactly one wins, even
 * through two connections to the file.
 */
import type { DownloadTicketRecord, DownloadTicketRepo, DownloadTicketState } from '../store';
import type { Db } from './open-database';

interface Row {
  session_id: string;
  state: DownloadTicketState;
  expires_at: number;
}

/** Live rows of one key beyond the newest `keep` (SQLite: LIMIT -1 is "no limit"). */
const beyondNewest = (where: string) =>
  `SELECT seq FROM download_tickets WHERE ${where} ORDER BY seq DESC LIMIT -1 OFFSET ?`;

export function downloadTicketRepo(db: Db): DownloadTicketRepo {
  const insert = db.prepare(
    `INSERT INTO download_tickets (hash, session_id, agent_id, state, issued_at, expires_at)
     VALUES (?, ?, ?, 'live', ?, ?)`,
  );
  const capSession = db.prepare(
    `UPDATE download_tickets SET state = 'used'
     WHERE seq IN (${beyondNewest("session_id = ? AND state = 'live' AND expires_at > ?")})`,
  );
  const capAccount = db.prepare(
    `UPDATE download_tickets SET state = 'used'
     WHERE seq IN (${beyondNewest("agent_id = ? AND state = 'live' AND expires_at > ?")})`,
  );
  const trimTombstones = db.prepare(
    `DELETE FROM download_tickets
     WHERE seq IN (${beyondNewest("session_id = ? AND (state != 'live' OR expires_at <= ?)")})`,
  );
  const get = db.prepare('SELECT session_id, state, expires_at FROM download_tickets WHERE hash = ?');
  const spend = db.prepare(
    "UPDATE download_tickets SET state = 'used' WHERE hash = ? AND state = 'live' AND expires_at > ?",
  );
  const settle = db.prepare("UPDATE download_tickets SET state = ? WHERE session_id = ? AND state = 'live'");
  const live = db.prepare(
    "SELECT COUNT(*) AS n FROM download_tickets WHERE state = 'live' AND expires_at > ?",
  );
  const sweep = db.prepare('DELETE FROM download_tickets WHERE expires_at < ?');

  const issueTx = db.transaction(
    (t: Parameters<DownloadTicketRepo['issue']>[0], caps: Parameters<DownloadTicketRepo['issue']>[1]) => {
      insert.run(t.hash, t.sessionId, t.agentId, t.issuedAt, t.expiresAt);
      capSession.run(t.sessionId, t.issuedAt, caps.livePerSession);
      capAccount.run(t.agentId, t.issuedAt, caps.livePerAccount);
      trimTombstones.run(t.sessionId, t.issuedAt, caps.tombstonesPerSession);
    },
  );

  return {
    async issue(ticket, caps) {
      issueTx.immediate(ticket, caps);
    },
    async get(hash): Promise<DownloadTicketRecord | null> {
      const r = get.get(hash) as Row | undefined;
      return r ? { sessionId: r.session_id, state: r.state, expiresAt: r.expires_at } : null;
    },
    async spend(hash, now) {
      return spend.run(hash, now).changes === 1;
    },
    async settleSession(sessionId, state) {
      settle.run(state, sessionId);
    },
    async live(now) {
      return (live.get(now) as { n: number }).n;
    },
    async sweep(before) {
      sweep.run(before);
    },
  };
}
