// Copies of paddy.db in <lib>/backups/, so a damaged or vanished database has somewhere to come back from:
// one before a migration changes an existing database, one at most once a day on open; the newest KEEP stay.
// `VACUUM INTO` is SQLite's online, transactionally consistent copy (like the backup API, but synchronous, so
// it finishes before the migration that follows it starts); it is written under a temporary name and renamed,
// so a backup file is either whole or absent.
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export const KEEP_BACKUPS = 3;
const NAME = /^paddy-(\d{4}-\d{2}-\d{2})T[\d-]+Z\.db$/;

export function backupsDir(libRoot: string): string {
  return path.join(libRoot, 'backups');
}

/** Backup files, newest first (names sort by time). */
export function listBackups(libRoot: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(backupsDir(libRoot));
  } catch {
    return [];
  }
  return names.filter((n) => NAME.test(n)).sort().reverse().map((n) => path.join(backupsDir(libRoot), n));
}

/** Writes `<lib>/backups/paddy-<UTC time>.db` from the open database, then keeps only the newest KEEP_BACKUPS. */
export function backupLibrary(db: Database.Database, libRoot: string, now = new Date()): string {
  const dir = backupsDir(libRoot);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `paddy-${now.toISOString().replace(/[:.]/g, '-')}.db`);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(tmp);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  for (const old of listBackups(libRoot).slice(KEEP_BACKUPS)) fs.rmSync(old, { force: true });
  return file;
}

/** The daily backup: made when no backup carries today's (UTC) date. Returns the file made, or null. */
export function backupIfDue(db: Database.Database, libRoot: string, now = new Date()): string | null {
  const today = now.toISOString().slice(0, 10);
  const newest = listBackups(libRoot)[0];
  if (newest && path.basename(newest).match(NAME)![1] === today) return null;
  return backupLibrary(db, libRoot, now);
}
