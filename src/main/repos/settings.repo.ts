// Key/value settings stored as JSON text in the `settings` table.
import type Database from 'better-sqlite3';

interface Statements {
  get: Database.Statement<[string], { value: string }>;
  set: Database.Statement<[string, string]>;
}

const cache = new WeakMap<Database.Database, Statements>();

function statements(db: Database.Database): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      get: db.prepare(`SELECT value FROM settings WHERE key = ?`),
      set: db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`),
    };
    cache.set(db, s);
  }
  return s;
}

/** The stored value of `key`, or undefined when never set (or unreadable: a hand-edited row). */
export function getSetting(db: Database.Database, key: string): unknown {
  const row = statements(db).get.get(key);
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as unknown;
  } catch {
    return undefined;
  }
}

export function setSetting(db: Database.Database, key: string, value: unknown): void {
  statements(db).set.run(key, JSON.stringify(value));
}
