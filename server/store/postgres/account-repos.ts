/**
 * PostgreSQL implementations of the company, user and login repositories. The seat decision
 * (count the agents signed in, maybe end the one replaced, insert the login) runs in one
 * transaction under an advisory lock, so logins on every node take turns and 100 parallel logins
 * for one free seat produce exactly one login, as with SQLite's IMMEDIATE transaction.
 */
import type pg from 'pg';
import type { CompanyRecord, CompanyRepo, LoginRecord, LoginRepo, UserRecord, UserRepo } from '../store';
import { loginFromRow, userFromRow, type LoginRow, type UserRow } from '../rows';
import { inTransaction, LOCKS } from './pg-pool';

const LOGIN_COLUMNS =
  'id, user_id, created_at, last_seen_at, ended_at, end_reason, address, waiting_for_seat';
const USER_COLUMNS = 'id, email, name, role, state, password_hash, features, created_at, updated_at';
/** The one company row's id (the store holds one company, as the SQLite store does). */
const COMPANY_ID = 'company';

interface CompanyRow {
  id: string;
  name: string;
  seats: number | null;
  transfer_timeout_seconds: number;
  created_at: number;
}

const companyFromRow = (r: CompanyRow): CompanyRecord => ({
  id: r.id,
  name: r.name,
  seats: r.seats,
  transferTimeoutSeconds: r.transfer_timeout_seconds,
  createdAt: r.created_at,
});

export function companyRepo(pool: pg.Pool): CompanyRepo {
  const columns = 'id, name, seats, transfer_timeout_seconds, created_at';
  const select = `SELECT ${columns} FROM company LIMIT 1`;
  return {
    async get() {
      const r = await pool.query<CompanyRow>(select);
      return r.rows[0] ? companyFromRow(r.rows[0]) : null;
    },
    async create(name, now) {
      const r = await pool.query<CompanyRow>(
        `INSERT INTO company (id, name, seats, created_at) VALUES ($1, $2, NULL, $3)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name
         RETURNING ${columns}`,
        [COMPANY_ID, name, now],
      );
      return companyFromRow(r.rows[0]!);
    },
    async setSeats(seats) {
      await pool.query('UPDATE company SET seats = $1', [seats]);
    },
    async setTransferTimeout(seconds) {
      await pool.query('UPDATE company SET transfer_timeout_seconds = $1', [seconds]);
    },
  };
}

/** Column of each UserRecord field that `update` may patch. */
const USER_PATCH_COLUMNS: Record<string, string> = {
  email: 'email',
  name: 'name',
  role: 'role',
  state: 'state',
  passwordHash: 'password_hash',
  features: 'features',
  updatedAt: 'updated_at',
};

export function userRepo(pool: pg.Pool): UserRepo {
  const one = async (where: string, value: string) => {
    const r = await pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE ${where} = $1`, [value]);
    return r.rows[0] ? userFromRow(r.rows[0]) : null;
  };
  return {
    byEmail: (email) => one('email', email),
    byId: (id) => one('id', id),
    async list() {
      // COLLATE "C": byte order, the order SQLite gives, whatever the database's locale.
      const r = await pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY email COLLATE "C"`);
      return r.rows.map(userFromRow);
    },
    async countManagers() {
      const r = await pool.query<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE role = 'manager'");
      return r.rows[0]!.n;
    },
    async insert(u: UserRecord) {
      await pool.query(`INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        u.id,
        u.email,
        u.name,
        u.role,
        u.state,
        u.passwordHash,
        JSON.stringify(u.features),
        u.createdAt,
        u.updatedAt,
      ]);
    },
    async update(id, patch) {
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [key, value] of Object.entries(patch)) {
        const column = USER_PATCH_COLUMNS[key];
        if (!column || value === undefined) continue;
        values.push(key === 'features' ? JSON.stringify(value) : value);
        sets.push(`${column} = $${values.length}`);
      }
      if (sets.length === 0) return;
      values.push(id);
      await pool.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $${values.length}`, values);
    },
  };
}

export function loginRepo(pool: pg.Pool): LoginRepo {
  const endOne = 'UPDATE logins SET ended_at = $1, end_reason = $2 WHERE id = $3 AND ended_at IS NULL';
  const activeWhere = (extra = '') =>
    `SELECT ${LOGIN_COLUMNS} FROM logins WHERE ended_at IS NULL ${extra} ORDER BY created_at, id`;

  return {
    async createWithinSeats(input) {
      return inTransaction(pool, async (db) => {
        let replaced: LoginRecord[] = [];
        let waiting = false;
        if (input.countsForSeat && input.seats !== null) {
          await db.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCKS.seats]);
          // A seat is one agent signed in, however many browsers they use (see store.ts). Counted
          // in SQL; the holders are read only for a refusal or a replace.
          const count = await db.query<{ agents: number; mine: number }>(
            `SELECT COUNT(DISTINCT user_id) AS agents, COUNT(*) FILTER (WHERE user_id = $1) AS mine
             FROM logins WHERE ended_at IS NULL AND counts_for_seat`,
            [input.login.userId],
          );
          const { agents, mine } = count.rows[0]!;
          if (mine === 0 && agents >= input.seats) {
            const holders = (await db.query<LoginRow>(activeWhere('AND counts_for_seat'))).rows.map(
              loginFromRow,
            );
            const target = holders.find((h) => h.id === input.replaceLoginId);
            // Ending one agent frees one seat; after a lowered limit that may not be enough.
            const canReplace = target !== undefined && agents - 1 < input.seats;
            if (!canReplace && input.waitForSeat) waiting = true;
            else if (!canReplace) return { ok: false as const, holders };
            else {
              const at = input.login.createdAt;
              replaced = holders.filter((h) => h.userId === target!.userId);
              for (const h of replaced) await db.query(endOne, [at, 'seat_taken', h.id]);
              replaced = replaced.map((h) => ({ ...h, endedAt: at, endReason: 'seat_taken' as const }));
            }
          }
        }
        const l = input.login;
        await db.query(
          `INSERT INTO logins (id, user_id, token_hash, counts_for_seat, created_at, last_seen_at, ended_at, end_reason, address, waiting_for_seat)
           VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $7, $8)`,
          [
            l.id,
            l.userId,
            input.tokenHash,
            input.countsForSeat && !waiting,
            l.createdAt,
            l.lastSeenAt,
            l.address,
            waiting ? 1 : 0,
          ],
        );
        return { ok: true as const, replaced, waiting };
      });
    },
    async promoteWaiting(seats) {
      return inTransaction(pool, async (db) => {
        // Under the seat lock: a login deciding its seat and a promotion take turns on every node.
        await db.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCKS.seats]);
        const holders = new Set(
          (
            await db.query<{ user_id: string }>(
              'SELECT DISTINCT user_id FROM logins WHERE ended_at IS NULL AND counts_for_seat',
            )
          ).rows.map((r) => r.user_id),
        );
        const waiting = (await db.query<LoginRow>(activeWhere('AND waiting_for_seat = 1'))).rows.map(
          loginFromRow,
        );
        const promoted: LoginRecord[] = [];
        for (const w of waiting) {
          // An agent already holding a seat takes no other; otherwise only while a seat is free.
          if (!holders.has(w.userId) && seats !== null && holders.size >= seats) continue;
          const r = await db.query(
            `UPDATE logins SET waiting_for_seat = 0, counts_for_seat = TRUE
             WHERE id = $1 AND waiting_for_seat = 1 AND ended_at IS NULL`,
            [w.id],
          );
          if (r.rowCount !== 1) continue;
          holders.add(w.userId);
          promoted.push({ ...w, waitingForSeat: false });
        }
        return promoted;
      });
    },
    async byTokenHash(hash) {
      const r = await pool.query<LoginRow>(`SELECT ${LOGIN_COLUMNS} FROM logins WHERE token_hash = $1`, [
        hash,
      ]);
      return r.rows[0] ? loginFromRow(r.rows[0]) : null;
    },
    async byId(id) {
      const r = await pool.query<LoginRow>(`SELECT ${LOGIN_COLUMNS} FROM logins WHERE id = $1`, [id]);
      return r.rows[0] ? loginFromRow(r.rows[0]) : null;
    },
    async active() {
      return (await pool.query<LoginRow>(activeWhere())).rows.map(loginFromRow);
    },
    async activeForUser(userId) {
      return (await pool.query<LoginRow>(activeWhere('AND user_id = $1'), [userId])).rows.map(loginFromRow);
    },
    async signedInFrom(userId, address, since) {
      const r = await pool.query(
        'SELECT 1 FROM logins WHERE user_id = $1 AND address = $2 AND created_at >= $3 LIMIT 1',
        [userId, address, since],
      );
      return r.rowCount === 1;
    },
    async end(id, reason, now) {
      return (await pool.query(endOne, [now, reason, id])).rowCount === 1;
    },
    async touch(id, now) {
      await pool.query('UPDATE logins SET last_seen_at = $1 WHERE id = $2', [now, id]);
    },
  };
}
