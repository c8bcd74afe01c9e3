// What Paddy last saw of each image's source file (size, mtime, state) and the writes that keep it true:
// recording check verdicts, rewriting the path prefix of a moved folder, and removing images whose file is gone.
import type Database from 'better-sqlite3';
import type { SourceState } from '../../shared/types';
import { stmt, writeTx } from './statements';

/** One image as a source check needs it: where its file is, what it was, and the folder it was imported from. */
export interface SourceRow {
  id: number;
  sha256: string;
  sourcePath: string;
  bytes: number;
  /** null: never recorded (imported before mtimes were kept, or inserted without one): hash on first check. */
  mtimeMs: number | null;
  state: SourceState;
  /** The import's folder (as given to the import), null when the image came from no import. */
  folder: string | null;
}

export interface SourceVerdict {
  id: number;
  state: SourceState;
  /** The file's mtime when its bytes were verified (state ok); kept as it was otherwise. */
  mtimeMs?: number;
}

const COLUMNS = `i.id, i.sha256, i.source_path AS sourcePath, i.bytes, i.mtime_ms AS mtimeMs, i.source_state AS state, m.folder`;

export function sourceRow(db: Database.Database, imageId: number): SourceRow | undefined {
  return stmt<[number], SourceRow>(db, `SELECT ${COLUMNS} FROM images i LEFT JOIN imports m ON m.id = i.import_id WHERE i.id = ?`).get(imageId);
}

/** Rows for these ids (one JSON array, any number), or every image when `ids` is undefined; in id order. */
export function sourceRows(db: Database.Database, ids?: readonly number[]): SourceRow[] {
  if (ids === undefined) return stmt<[], SourceRow>(db, `SELECT ${COLUMNS} FROM images i LEFT JOIN imports m ON m.id = i.import_id ORDER BY i.id`).all();
  return stmt<[string], SourceRow>(
    db,
    `SELECT ${COLUMNS} FROM json_each(?) j JOIN images i ON i.id = j.value LEFT JOIN imports m ON m.id = i.import_id ORDER BY i.id`,
  ).all(JSON.stringify(ids));
}

/** Records verdicts in one transaction; only rows whose state or mtime changed are written. */
export function recordVerdicts(db: Database.Database, verdicts: readonly SourceVerdict[], at = new Date().toISOString()): void {
  const setState = stmt<[string, string, number]>(db, `UPDATE images SET source_state = ?, source_checked_at = ? WHERE id = ?`);
  const setSeen = stmt<[number, string, number]>(db, `UPDATE images SET mtime_ms = ?, source_state = 'ok', source_checked_at = ? WHERE id = ?`);
  writeTx(db, () => {
    for (const v of verdicts) {
      if (v.state === 'ok' && v.mtimeMs !== undefined) setSeen.run(v.mtimeMs, at, v.id);
      else setState.run(v.state, at, v.id);
    }
  });
}

/** The import's record of a file it just read: its mtime, and that it is the image's bytes. */
export function markSourceSeen(db: Database.Database, imageId: number, mtimeMs: number | null, at: string): void {
  stmt<[number | null, string, number]>(db, `UPDATE images SET mtime_ms = ?, source_state = 'ok', source_checked_at = ? WHERE id = ?`).run(mtimeMs, at, imageId);
}

/** The image (other than `exceptId`) whose recorded source file is `sourcePath`, if any. */
export function imageAtPath(db: Database.Database, sourcePath: string, exceptId = -1): { id: number; sha256: string } | undefined {
  return stmt<[string, number], { id: number; sha256: string }>(db, `SELECT id, sha256 FROM images WHERE source_path = ? AND id <> ? LIMIT 1`).get(sourcePath, exceptId);
}

export function markChanged(db: Database.Database, imageId: number, at: string): void {
  stmt<[string, number]>(db, `UPDATE images SET source_state = 'changed', source_checked_at = ? WHERE id = ?`).run(at, imageId);
}

/**
 * A re-imported path whose bytes changed: the image takes the new bytes in place (same row, label journal,
 * split), its other recorded sources (copies of the old bytes) are forgotten and its conflict flag cleared.
 */
export function replaceImageBytes(
  db: Database.Database,
  imageId: number,
  img: { sha256: string; bytes: number; width: number; height: number; format: string; mtimeMs: number | null },
  at: string,
): void {
  stmt(db, `UPDATE images SET sha256 = @sha256, bytes = @bytes, width = @width, height = @height, format = @format, mtime_ms = @mtimeMs,
      source_state = 'ok', source_checked_at = @at, conflict = 0 WHERE id = @id`).run({ ...img, at, id: imageId });
  stmt(db, `DELETE FROM image_sources WHERE image_id = ?`).run(imageId);
}

export interface SourceCounts {
  ok: number;
  missing: number;
  changed: number;
}

export function sourceCounts(db: Database.Database): SourceCounts {
  const rows = stmt<[], { state: SourceState; n: number }>(db, `SELECT source_state AS state, COUNT(*) AS n FROM images GROUP BY source_state`).all();
  const out: SourceCounts = { ok: 0, missing: 0, changed: 0 };
  for (const r of rows) out[r.state] = r.n;
  return out;
}

/** Images recorded as not-ok (missing or changed), in id order. */
export function badSourceIds(db: Database.Database): number[] {
  return stmt<[], { id: number }>(db, `SELECT id FROM images WHERE source_state <> 'ok' ORDER BY id`).all().map((r) => r.id);
}

/**
 * A moved folder: images whose files were found under the new root get their path (and their recorded sources'
 * paths) rewritten and are ok again; imports whose folder was `from` (or below it) now name `to`.
 */
export function relinkImages(db: Database.Database, from: string, to: string, moved: ReadonlyArray<{ id: number; path: string; mtimeMs: number }>, at: string): void {
  const setPath = stmt<[string, number, string, number]>(db, `UPDATE images SET source_path = ?, mtime_ms = ?, source_state = 'ok', source_checked_at = ? WHERE id = ?`);
  const sources = stmt<[number], { path: string }>(db, `SELECT path FROM image_sources WHERE image_id = ?`);
  const setSource = stmt<[string, number, string]>(db, `UPDATE OR IGNORE image_sources SET path = ? WHERE image_id = ? AND path = ?`);
  const imports = stmt<[], { id: number; folder: string }>(db, `SELECT id, folder FROM imports`);
  const setFolder = stmt<[string, number]>(db, `UPDATE imports SET folder = ? WHERE id = ?`);
  const rebase = (p: string): string | null => (p === from ? to : p.startsWith(from.endsWith('/') ? from : `${from}/`) ? to + p.slice(from.length) : null);
  writeTx(db, () => {
    for (const m of moved) {
      setPath.run(m.path, m.mtimeMs, at, m.id);
      for (const s of sources.all(m.id)) {
        const p = rebase(s.path);
        if (p !== null) setSource.run(p, m.id, s.path);
      }
    }
    if (moved.length) {
      for (const r of imports.all()) {
        const f = rebase(r.folder);
        if (f !== null) setFolder.run(f, r.id);
      }
    }
  });
}

/** Deletes these images and everything that hangs off them (labels, journal rows, splits, run rows, suspects). */
export function deleteImages(db: Database.Database, ids: readonly number[]): Array<{ id: number; sha256: string }> {
  return writeTx(db, () => {
    const gone = stmt<[string], { id: number; sha256: string }>(db, `SELECT id, sha256 FROM images WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids));
    stmt<[string]>(db, `DELETE FROM images WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(ids));
    return gone;
  });
}
