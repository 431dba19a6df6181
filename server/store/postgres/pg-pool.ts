/**
 * The connection pool of the PostgreSQL store and the two things every repository needs from it:
 * a query with typed rows, and a transaction that always ends (COMMIT, or ROLLBACK on any error)
 * and always gives its connection back. BIGINT columns (timestamps in ms, COUNT(*)) are read as
 * numbers: every value we keep in one is far below 2^53.
 */
import pg from 'pg';

/** Connections one node keeps open at most. Several nodes share the server's max_connections. */
export const POOL_MAX_CONNECTIONS = 10;
/** How long a query waits for a free pooled connection before failing, in ms. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Idle pooled connections are closed after this long, in ms. */
const IDLE_TIMEOUT_MS = 30_000;
/** A statement running longer than this is cancelled by the server, in ms (nothing of ours should). */
const STATEMENT_TIMEOUT_MS = 30_000;

const INT8_OID = 20;

export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_MAX_CONNECTIONS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    application_name: 'lifeline',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection that the server drops (restart, failover) must not crash the process;
  // the pool replaces it at the next query.
  pool.on('error', () => {});
  return pool;
}

export async function inTransaction<T>(pool: pg.Pool, work: (client: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Keys of the transaction-scoped advisory locks that serialise the store's decisions across
 * every node (first number of pg_advisory_xact_lock(int, int); the second is 0 or a hash).
 */
export const LOCKS = {
  /** The seat count and the login insert. */
  seats: 0x4c4c_0001,
  /** Next chat sequence number of one session (second key: hashtext(session id)). */
  transcript: 0x4c4c_0002,
  /** Schema migrations (several nodes starting at once). */
  migrations: 0x4c4c_0003,
  /** The audit log's hash chain: one writer at a time reads the last hash and appends. */
  audit: 0x4c4c_0004,
  /** Issuing a download ticket and its bounds (second key: hashtext(agent id)). */
  downloadTickets: 0x4c4c_0005,
} as const;

/** `$1, $2, ...` placeholders from `start`. */
export function placeholders(count: number, start = 1): string {
  return Array.from({ length: count }, (_, i) => `$${start + i}`).join(', ');
}

/**
 * SQL written with SQLite's `?` placeholders (shared query builders: ../audit-rows.ts,
 * ../manage-rows.ts) numbered for PostgreSQL, `$1` upwards. The shared SQL has no `?` in literals.
 */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
