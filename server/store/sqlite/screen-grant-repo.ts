/** The customer's screen grants per session (../store.ts ScreenGrantRepo), table `screen_grants`. */
import { Grants } from '../../../protocol/common';
import type { ScreenGrantRepo } from '../store';
import type { Db } from './open-database';

export function screenGrantRepo(db: Db): ScreenGrantRepo {
  const get = db.prepare('SELECT grants FROM screen_grants WHERE session_id = ?');
  const set = db.prepare(
    `INSERT INTO screen_grants (session_id, grants, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (session_id) DO UPDATE SET grants = excluded.grants, updated_at = excluded.updated_at`,
  );
  const clear = db.prepare('DELETE FROM screen_grants WHERE session_id = ?');
  return {
    async get(sessionId) {
      const r = get.get(sessionId) as { grants: string } | undefined;
      if (!r) return null;
      // Validated on the way out, like every JSON column: a damaged row grants nothing.
      let raw: unknown;
      try {
        raw = JSON.parse(r.grants);
      } catch {
        return null;
      }
      const parsed = Grants.safeParse(raw);
      return parsed.success ? parsed.data : null;
    },
    async set(sessionId, grants, at) {
      set.run(sessionId, JSON.stringify(Grants.parse(grants)), at);
    },
    async clear(sessionId) {
      clear.run(sessionId);
    },
  };
}
