// Key/value settings stored as JSON text in the `settings` table.
import type Database from 'better-sqlite3';
import { stmt } from './statements';

/** The stored value of `key`, or undefined when never set (or unreadable: a hand-edited row). */
export function getSetting(db: Database.Database, key: string): unknown {
  const row = stmt<[string], { value: string }>(db, `SELECT value FROM settings WHERE key = ?`).get(key);
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as unknown;
  } catch {
    return undefined;
  }
}

export function setSetting(db: Database.Database, key: string, value: unknown): void {
  stmt<[string, string]>(db, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(
    key,
    JSON.stringify(value),
  );
}
