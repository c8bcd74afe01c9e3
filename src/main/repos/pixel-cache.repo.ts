// The decoded-pixel cache. It is its own SQLite file (<library>/cache/pixels.db, not a
// table in paddy.db: why is in src/main/engine/data/pixel-cache.ts), so its schema lives here too. The file is
// disposable: instead of migrations, a file of another schema version is thrown away and rebuilt by the caller.
import Database from 'better-sqlite3';
import { stmt, writeTx } from './statements';

/** Bump on any schema change: a file with another version is deleted and rebuilt, never migrated. */
export const PIXEL_SCHEMA = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pixels (
    prep TEXT NOT NULL,     -- preprocessing version of decodeMany (resize kernel, fit, channel layout)
    size INTEGER NOT NULL,  -- size x size RGB
    sha256 TEXT NOT NULL,   -- of the image file, as in paddy.db's images table
    crc INTEGER NOT NULL,   -- CRC-32 of the decoded pixels: damaged bytes make a miss, never wrong pixels
    data BLOB NOT NULL,     -- deflate-raw of the size*size*3 bytes
    PRIMARY KEY (prep, size, sha256)
  );
  -- When each (prep, size) set was last used, as a counter (no clock ties): the size rule keeps the latest.
  CREATE TABLE IF NOT EXISTS uses (
    prep TEXT NOT NULL,
    size INTEGER NOT NULL,
    last_use INTEGER NOT NULL,
    PRIMARY KEY (prep, size)
  );
`;

export interface PixelRow {
  sha256: string;
  crc: number;
  data: Buffer;
}

/**
 * Opens (creating if needed) a pixel cache file. Throws on anything unexpected — not a database, another
 * schema version, a damaged header — and the caller then deletes the file and tries once more.
 */
export function openPixelDb(file: string): Database.Database {
  // Under Electron in development the binding built for Electron's ABI is passed in, as for paddy.db.
  const nativeBinding = process.env.PADDY_SQLITE_BINDING;
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('busy_timeout = 5000');
    // Only takes effect before the first table exists: rows of a dropped size are then given back to the
    // file system by incremental_vacuum instead of staying as free pages.
    db.pragma('auto_vacuum = INCREMENTAL');
    // WAL: readers in one process never wait for another's batch; with NORMAL a killed process loses at most
    // its uncommitted batch, and a commit is all of a batch's rows or none.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // IMMEDIATE + reading the version under the lock: two processes creating the file at once agree.
    writeTx(db, () => {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version === PIXEL_SCHEMA) return;
      if (version !== 0) throw new Error(`pixel cache schema ${version}, this version uses ${PIXEL_SCHEMA}`);
      db.exec(SCHEMA);
      db.pragma(`user_version = ${PIXEL_SCHEMA}`);
    });
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

// Marks a (prep, size) set as the most recently used.
const TOUCH = `INSERT INTO uses (prep, size, last_use) VALUES (?, ?, (SELECT COALESCE(MAX(last_use), 0) + 1 FROM uses))
  ON CONFLICT (prep, size) DO UPDATE SET last_use = excluded.last_use`;

/** The stored rows among `shas` (unchecked: the caller inflates and compares the CRC). */
export function cachedPixels(db: Database.Database, prep: string, size: number, shas: readonly string[]): PixelRow[] {
  // CROSS JOIN pins the loop order as in features.repo: walk the JSON list, one primary-key lookup per hash.
  return stmt<[string, string, number], PixelRow>(
    db,
    `SELECT p.sha256, p.crc, p.data FROM json_each(?) j CROSS JOIN pixels p ON p.prep = ? AND p.size = ? AND p.sha256 = j.value`,
  ).all(JSON.stringify(shas), prep, size);
}

/** One transaction per call, which also marks the set as used: a kill loses at most the batch being written. */
export function storePixels(db: Database.Database, prep: string, size: number, rows: ReadonlyArray<PixelRow>): void {
  const insert = stmt<[string, number, string, number, Buffer]>(db, `INSERT OR REPLACE INTO pixels (prep, size, sha256, crc, data) VALUES (?, ?, ?, ?, ?)`);
  writeTx(db, () => {
    stmt<[string, number]>(db, TOUCH).run(prep, size);
    for (const r of rows) insert.run(prep, size, r.sha256, r.crc, r.data);
  });
}

/** Marks the set as the most recently used. */
export function touchPixelSet(db: Database.Database, prep: string, size: number): void {
  stmt<[string, number]>(db, TOUCH).run(prep, size);
}

/**
 * The size rule: keep the `keep` most recently used (prep, size) sets and, when `librarySha256s` is given, only
 * rows of images still in the library; then give the freed pages back. Returns the number of rows deleted.
 */
export function prunePixels(db: Database.Database, keep: number, librarySha256s?: readonly string[]): number {
  const deleted = writeTx(db, () => {
    // Sets outside the `keep` most recently used go, and so do rows of a set that has no uses row at all.
    let n = stmt<[number]>(
      db,
      `DELETE FROM pixels WHERE (prep, size) NOT IN (SELECT prep, size FROM uses ORDER BY last_use DESC LIMIT ?)`,
    ).run(keep).changes;
    stmt<[number]>(db, `DELETE FROM uses WHERE (prep, size) NOT IN (SELECT prep, size FROM uses ORDER BY last_use DESC LIMIT ?)`).run(keep);
    if (librarySha256s) {
      n += stmt<[string]>(db, `DELETE FROM pixels WHERE sha256 NOT IN (SELECT value FROM json_each(?))`).run(JSON.stringify(librarySha256s)).changes;
    }
    return n;
  });
  if (deleted) db.pragma('incremental_vacuum');
  return deleted;
}

export function pixelCount(db: Database.Database, prep: string, size: number): number {
  return stmt<[string, number], { n: number }>(db, `SELECT COUNT(*) AS n FROM pixels WHERE prep = ? AND size = ?`).get(prep, size)?.n ?? 0;
}

/** Every set, most recently used first, with its row count. */
export function pixelSets(db: Database.Database): Array<{ prep: string; size: number; n: number }> {
  return stmt<[], { prep: string; size: number; n: number }>(
    db,
    `SELECT u.prep, u.size, (SELECT COUNT(*) FROM pixels p WHERE p.prep = u.prep AND p.size = u.size) AS n
     FROM uses u ORDER BY u.last_use DESC`,
  ).all();
}

/** Every image hash of the library (paddy.db), for dropping cache rows of images no longer in it. */
export function librarySha256s(libDb: Database.Database): string[] {
  return stmt<[], { sha256: string }>(libDb, `SELECT sha256 FROM images`)
    .all()
    .map((r) => r.sha256);
}
