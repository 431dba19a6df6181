/**
 * SQLite implementations of the company, user and login repositories. The seat check and the
 * login insert run in one IMMEDIATE transaction, so 100 parallel logins for one free seat produce
 * exactly one login (SQLite serialises writers; the count and the insert see the same state).
 */
import type { CompanyRecord, CompanyRepo, LoginRecord, LoginRepo, UserRecord, UserRepo } from '../store';
import type { Db } from './open-database';
import { loginFromRow, userFromRow, type LoginRow, type UserRow } from '../rows';

const LOGIN_COLUMNS =
  'id, user_id, created_at, last_seen_at, ended_at, end_reason, address, waiting_for_seat';

interface CompanyRow {
  id: string;
  name: string;
  seats: number | null;
  transfer_timeout_seconds: number;
  created_at: number;
}

export function companyRepo(db: Db): CompanyRepo {
  const get = db.prepare('SELECT id, name, seats, transfer_timeout_seconds, created_at FROM company LIMIT 1');
  const read = (): CompanyRecord | null => {
    const r = get.get() as CompanyRow | undefined;
    return r
      ? {
          id: r.id,
          name: r.name,
          seats: r.seats,
          transferTimeoutSeconds: r.transfer_timeout_seconds,
          createdAt: r.created_at,
        }
      : null;
  };
  return {
    async get() {
      return read();
    },
    async create(name, now) {
      const existing = get.get() as { id: string } | undefined;
      if (existing) {
        db.prepare('UPDATE company SET name = ? WHERE id = ?').run(name, existing.id);
      } else {
        db.prepare('INSERT INTO company (id, name, seats, created_at) VALUES (?, ?, NULL, ?)').run(
          'company',
          name,
          now,
        );
      }
      return read()!;
    },
    async setSeats(seats) {
      db.prepare('UPDATE company SET seats = ?').run(seats);
    },
    async setTransferTimeout(seconds) {
      db.prepare('UPDATE company SET transfer_timeout_seconds = ?').run(seconds);
    },
  };
}

export function userRepo(db: Db): UserRepo {
  const cols = 'id, email, name, role, state, password_hash, features, created_at, updated_at';
  const byEmail = db.prepare(`SELECT ${cols} FROM users WHERE email = ?`);
  const byId = db.prepare(`SELECT ${cols} FROM users WHERE id = ?`);
  const all = db.prepare(`SELECT ${cols} FROM users ORDER BY email`);
  const columns: Record<string, string> = {
    email: 'email',
    name: 'name',
    role: 'role',
    state: 'state',
    passwordHash: 'password_hash',
    features: 'features',
    updatedAt: 'updated_at',
  };
  return {
    async byEmail(email) {
      const r = byEmail.get(email) as UserRow | undefined;
      return r ? userFromRow(r) : null;
    },
    async byId(id) {
      const r = byId.get(id) as UserRow | undefined;
      return r ? userFromRow(r) : null;
    },
    async list() {
      return (all.all() as UserRow[]).map(userFromRow);
    },
    async countManagers() {
      const r = db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'manager'").get() as { n: number };
      return r.n;
    },
    async insert(u: UserRecord) {
      db.prepare(`INSERT INTO users (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        u.id,
        u.email,
        u.name,
        u.role,
        u.state,
        u.passwordHash,
        JSON.stringify(u.features),
        u.createdAt,
        u.updatedAt,
      );
    },
    async update(id, patch) {
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [key, value] of Object.entries(patch)) {
        const column = columns[key];
        if (!column || value === undefined) continue;
        sets.push(`${column} = ?`);
        values.push(key === 'features' ? JSON.stringify(value) : value);
      }
      if (sets.length === 0) return;
      db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    },
  };
}

export function loginRepo(db: Db): LoginRepo {
  const activeSeatHolders = db.prepare(
    `SELECT ${LOGIN_COLUMNS} FROM logins WHERE ended_at IS NULL AND counts_for_seat = 1 ORDER BY created_at`,
  );
  const seatCount = db.prepare(
    `SELECT COUNT(DISTINCT user_id) AS agents, COUNT(*) FILTER (WHERE user_id = ?) AS mine
     FROM logins WHERE ended_at IS NULL AND counts_for_seat = 1`,
  );
  const insert = db.prepare(
    `INSERT INTO logins (id, user_id, token_hash, counts_for_seat, created_at, last_seen_at, ended_at, end_reason, address, waiting_for_seat)
     VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
  );
  const waitingLogins = db.prepare(
    `SELECT ${LOGIN_COLUMNS} FROM logins WHERE ended_at IS NULL AND waiting_for_seat = 1 ORDER BY created_at`,
  );
  const promote = db.prepare(
    'UPDATE logins SET waiting_for_seat = 0, counts_for_seat = 1 WHERE id = ? AND waiting_for_seat = 1 AND ended_at IS NULL',
  );
  const endOne = db.prepare(
    'UPDATE logins SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL',
  );
  const byId = db.prepare(`SELECT ${LOGIN_COLUMNS} FROM logins WHERE id = ?`);

  const createTx = db.transaction(
    (
      input: Parameters<LoginRepo['createWithinSeats']>[0],
    ): Awaited<ReturnType<LoginRepo['createWithinSeats']>> => {
      let replaced: LoginRecord[] = [];
      let waiting = false;
      if (input.countsForSeat && input.seats !== null) {
        // A seat is one agent signed in, however many browsers they use: count distinct users,
        // and an agent who already holds a seat may open another login on it. Counted in SQL;
        // the holders are read only when they are needed (a refusal or a replace).
        const { agents, mine } = seatCount.get(input.login.userId) as { agents: number; mine: number };
        if (mine === 0 && agents >= input.seats) {
          const holders = (activeSeatHolders.all() as LoginRow[]).map(loginFromRow);
          const target = holders.find((h) => h.id === input.replaceLoginId);
          // Ending one agent frees one seat; after a lowered limit that may not be enough.
          const canReplace = target !== undefined && agents - 1 < input.seats;
          if (!canReplace && input.waitForSeat) waiting = true;
          else if (!canReplace) return { ok: false, holders };
          else {
            const at = input.login.createdAt;
            replaced = holders.filter((h) => h.userId === target!.userId);
            for (const h of replaced) endOne.run(at, 'seat_taken', h.id);
            replaced = replaced.map((h) => ({ ...h, endedAt: at, endReason: 'seat_taken' as const }));
          }
        }
      }
      const l = input.login;
      insert.run(
        l.id,
        l.userId,
        input.tokenHash,
        input.countsForSeat && !waiting ? 1 : 0,
        l.createdAt,
        l.lastSeenAt,
        l.address,
        waiting ? 1 : 0,
      );
      return { ok: true, replaced, waiting };
    },
  );

  const promoteTx = db.transaction((seats: number | null): LoginRecord[] => {
    const holders = new Set((activeSeatHolders.all() as LoginRow[]).map((r) => r.user_id));
    const promoted: LoginRecord[] = [];
    for (const w of (waitingLogins.all() as LoginRow[]).map(loginFromRow)) {
      // An agent already holding a seat takes no other; otherwise only while a seat is free.
      if (!holders.has(w.userId) && seats !== null && holders.size >= seats) continue;
      if (promote.run(w.id).changes !== 1) continue;
      holders.add(w.userId);
      promoted.push({ ...w, waitingForSeat: false });
    }
    return promoted;
  });

  const signedInFrom = db.prepare(
    'SELECT 1 FROM logins WHERE user_id = ? AND address = ? AND created_at >= ? LIMIT 1',
  );

  return {
    async createWithinSeats(input) {
      return createTx.immediate(input);
    },
    async promoteWaiting(seats) {
      return promoteTx.immediate(seats);
    },
    async byTokenHash(hash) {
      const r = db.prepare(`SELECT ${LOGIN_COLUMNS} FROM logins WHERE token_hash = ?`).get(hash) as
        LoginRow | undefined;
      return r ? loginFromRow(r) : null;
    },
    async byId(id) {
      const r = byId.get(id) as LoginRow | undefined;
      return r ? loginFromRow(r) : null;
    },
    async active() {
      return (
        db
          .prepare(`SELECT ${LOGIN_COLUMNS} FROM logins WHERE ended_at IS NULL ORDER BY created_at`)
          .all() as LoginRow[]
      ).map(loginFromRow);
    },
    async signedInFrom(userId, address, since) {
      return signedInFrom.get(userId, address, since) !== undefined;
    },
    async activeForUser(userId) {
      return (
        db
          .prepare(
            `SELECT ${LOGIN_COLUMNS} FROM logins WHERE ended_at IS NULL AND user_id = ? ORDER BY created_at`,
          )
          .all(userId) as LoginRow[]
      ).map(loginFromRow);
    },
    async end(id, reason, now) {
      return endOne.run(now, reason, id).changes === 1;
    },
    async touch(id, now) {
      db.prepare('UPDATE logins SET last_seen_at = ? WHERE id = ?').run(now, id);
    },
  };
}
