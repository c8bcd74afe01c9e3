// The one statement cache every repository uses: a prepared statement per (connection, SQL text), built on first
// use and kept as long as the connection lives (a closed or replaced connection takes its statements with it).
import type Database from 'better-sqlite3';

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The prepared form of `sql` on `db`, prepared once per connection. Type parameters: bind values, row. */
export function stmt<P extends unknown[] | {} = unknown[], R = unknown>(db: Database.Database, sql: string): Database.Statement<P, R> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s as unknown as Database.Statement<P, R>;
}

/**
 * Runs `fn` in a write transaction that takes the write lock at BEGIN (IMMEDIATE): a deferred transaction that
 * reads first and upgrades later gets SQLITE_BUSY at once when another process is writing, bypassing the busy
 * timeout; an immediate one waits for the lock like any single write.
 */
export function writeTx<T>(db: Database.Database, fn: () => T): T {
  return db.transaction(fn).immediate();
}
