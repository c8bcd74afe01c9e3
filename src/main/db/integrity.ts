// Is paddy.db whole? `quick_check` on every open (≈10–70 ms for a 12,000-image library: it walks every page
// but skips the index-vs-table comparison), `integrity_check` on request (paddy doctor). Both read through a
// read-only connection: a damaged file is never written to, not even by the checkpoint a closing writer does.
import Database from 'better-sqlite3';

/** How many problems a check lists before it stops (SQLite's own default is 100). */
const MAX_PROBLEMS = 20;

export function openReadOnly(file: string): Database.Database {
  const nativeBinding = process.env.PADDY_SQLITE_BINDING;
  return new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
}

/**
 * The problems SQLite finds in `file` ([] when it is whole). `full` runs integrity_check (also compares every
 * index with its table); otherwise quick_check. A file SQLite cannot read at all is one problem.
 */
export function checkDatabase(file: string, full = false): string[] {
  let db: Database.Database | null = null;
  try {
    db = openReadOnly(file);
    const rows = db.pragma(`${full ? 'integrity_check' : 'quick_check'}(${MAX_PROBLEMS})`) as Record<string, string>[];
    const found = rows.map((r) => String(Object.values(r)[0]));
    return found.length === 1 && found[0] === 'ok' ? [] : found;
  } catch (e) {
    return [(e as Error).message];
  } finally {
    db?.close();
  }
}

/** The schema version in the file's header (bytes 60–63), readable even when the pages after it are not. */
export function headerUserVersion(bytes: Buffer): number | null {
  if (bytes.length < 100 || bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\u0000') return null;
  return bytes.readInt32BE(60);
}
