import type Database from 'better-sqlite3';
import { writeTx } from '../repos/statements';

export interface Migration {
  version: number;
  name: string;
  /** SQL run inside one transaction together with the user_version bump. */
  up: string | ((db: Database.Database) => void);
}

/**
 * Apply every migration newer than the database's user_version, each in its own transaction, so a kill
 * between two migrations leaves a database at a known version. Migrations are append-only: never edit one
 * that has shipped, add the next number instead.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], target?: number): number {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1..n without gaps (found ${m.version} at ${i + 1})`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = sorted.length;
  if (current > latest) {
    throw new Error(`this library was written by a newer Paddy (schema ${current}, this version knows ${latest})`);
  }
  const until = target ?? latest;
  for (const m of sorted) {
    if (m.version <= current || m.version > until) continue;
    // IMMEDIATE takes the write lock first, and the version is read again under it: two processes opening a
    // new library at once (the app and the CLI, say) must not both run the same migration.
    writeTx(db, () => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.pragma(`user_version = ${m.version}`);
    });
  }
  return db.pragma('user_version', { simple: true }) as number;
}
