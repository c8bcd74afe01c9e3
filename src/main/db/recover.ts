// `paddy doctor`: what is wrong with a library's paddy.db, and getting back what SQLite can still read. The
// damaged file is never written: recovery reads a copy of it into paddy.recovered-<ts>.db, checks that, and
// only then swaps it in, keeping the damaged file as paddy.damaged-<ts>.db. A vanished paddy.db comes back
// from the newest whole backup in <lib>/backups/.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { listBackups } from './backup';
import { checkDatabase, headerUserVersion, openReadOnly } from './integrity';

export type DbState = 'ok' | 'damaged' | 'missing' | 'empty';
export type RecoveryMethod = 'sqlite3 .recover' | 'table copy' | 'backup';

export interface Examination {
  library: string;
  db: string;
  state: DbState;
  /** What integrity_check reported (empty when whole or absent). */
  problems: string[];
  backups: string[];
}

export interface Recovery {
  method: RecoveryMethod;
  /** Rows per table in the recovered database. */
  rows: Record<string, number>;
  /** Rows dropped because what they pointed at (an image, a class) was lost with the damaged pages. */
  orphansRemoved: number;
  /** Where the damaged (or empty) file was kept; null when there was none. */
  damagedKept: string | null;
  notes: string[];
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

export function examineLibrary(dir: string): Examination {
  const library = path.resolve(dir);
  const db = path.join(library, 'paddy.db');
  const backups = listBackups(library);
  let size: number | null = null;
  try {
    size = fs.statSync(db).size;
  } catch {
    size = null;
  }
  if (size === null) return { library, db, state: 'missing', problems: [], backups };
  if (size === 0) return { library, db, state: 'empty', problems: [], backups };
  const problems = checkDatabase(db, true);
  return { library, db, state: problems.length ? 'damaged' : 'ok', problems, backups };
}

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * The smallest start at or after `from` from which rows can be read again: seeks past a damaged page instead
 * of reading through it (a seek only walks the tree's path to its key). Null when nothing after it is readable.
 */
function nextReadable(src: Database.Database, table: string, from: number, max: number): number | null {
  const probe = src.prepare(`SELECT rowid FROM ${q(table)} WHERE rowid >= ? ORDER BY rowid LIMIT 1`).pluck();
  const ok = (start: number): boolean => {
    try {
      probe.get(start);
      return true;
    } catch {
      return false;
    }
  };
  if (from > max) return null;
  let step = 1;
  while (from + step <= max && !ok(from + step)) step *= 2;
  if (from + step > max) return ok(max) ? max : null;
  // ok(from + step) holds and ok(from + step / 2) did not: the smallest readable start lies between.
  let lo = from + Math.floor(step / 2);
  let hi = from + step;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function copyTable(src: Database.Database, dest: Database.Database, table: string): number {
  const cols = (src.pragma(`table_info(${q(table)})`) as { name: string }[]).map((c) => c.name);
  const insert = dest.prepare(`INSERT OR IGNORE INTO ${q(table)} (rowid, ${cols.map(q).join(', ')}) VALUES (${['?', ...cols.map(() => '?')].join(', ')})`);
  const read = src.prepare(`SELECT rowid AS "__rowid", ${cols.map(q).join(', ')} FROM ${q(table)} WHERE rowid >= ? ORDER BY rowid`).raw();
  let max: number;
  try {
    max = Number(src.prepare(`SELECT max(rowid) FROM ${q(table)}`).pluck().get() ?? 0);
  } catch {
    max = Number.MAX_SAFE_INTEGER;
  }
  let from = Number.MIN_SAFE_INTEGER;
  let copied = 0;
  for (;;) {
    try {
      for (const row of read.iterate(from) as IterableIterator<unknown[]>) {
        insert.run(...row);
        from = Number(row[0]) + 1;
        copied++;
      }
      return copied;
    } catch {
      const next = nextReadable(src, table, from === Number.MIN_SAFE_INTEGER ? 0 : from, max);
      if (next === null) return copied;
      from = next;
    }
  }
}

/** Reads every row SQLite can still reach, table by table, into a new database with the same schema. */
export function copyReadable(srcFile: string, destFile: string): void {
  const src = openReadOnly(srcFile);
  const dest = new Database(destFile);
  try {
    const schema = src
      .prepare(`SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid`)
      .all() as { type: string; name: string; sql: string }[];
    dest.pragma('foreign_keys = OFF');
    dest.transaction(() => {
      for (const s of schema.filter((x) => x.type === 'table')) dest.exec(s.sql);
      for (const s of schema.filter((x) => x.type === 'table')) copyTable(src, dest, s.name);
      for (const s of schema.filter((x) => x.type !== 'table')) dest.exec(s.sql);
    })();
    let version: number;
    try {
      version = src.pragma('user_version', { simple: true }) as number;
    } catch {
      version = headerUserVersion(fs.readFileSync(srcFile).subarray(0, 100)) ?? 0;
    }
    dest.pragma(`user_version = ${version}`);
  } finally {
    src.close();
    dest.close();
  }
}

/** The sqlite3 shell's `.recover` (also reads freed pages); false when the shell is absent or cannot do it. */
function sqliteRecover(sqlite3: string, srcFile: string, destFile: string): boolean {
  const dump = spawnSync(sqlite3, [srcFile, '.recover'], { maxBuffer: 2 ** 31 - 1 });
  if (dump.error || dump.status !== 0 || !dump.stdout?.length) return false;
  const load = spawnSync(sqlite3, [destFile], { input: dump.stdout, maxBuffer: 2 ** 24 });
  return !load.error && load.status === 0;
}

/** Drops rows whose parent row was lost (foreign_key_check), until none are left. */
function removeOrphans(db: Database.Database): number {
  let removed = 0;
  for (let pass = 0; pass < 10; pass++) {
    const bad = db.pragma('foreign_key_check') as { table: string; rowid: number | null }[];
    if (!bad.length) break;
    for (const b of bad) if (b.rowid !== null) removed += db.prepare(`DELETE FROM ${q(b.table)} WHERE rowid = ?`).run(b.rowid).changes;
  }
  return removed;
}

function moveDamaged(dbFile: string, now: Date): string {
  const kept = path.join(path.dirname(dbFile), `paddy.damaged-${stamp(now)}.db`);
  fs.renameSync(dbFile, kept);
  if (fs.existsSync(`${dbFile}-wal`)) fs.renameSync(`${dbFile}-wal`, `${kept}-wal`);
  fs.rmSync(`${dbFile}-shm`, { force: true });
  return kept;
}

export interface RecoverOptions {
  /** The sqlite3 shell to try first; null: copy table by table only. Default: `sqlite3` on PATH. */
  sqlite3?: string | null;
  now?: Date;
}

/**
 * Recovers `dir`'s paddy.db: a damaged one into a new file (sqlite3 .recover, else a table-by-table copy), a
 * missing or empty one from the newest whole backup. Throws, leaving everything as it was, when nothing whole
 * can be made. Run it with the library closed everywhere (app, serve, other commands).
 */
export function recoverLibrary(dir: string, opts: RecoverOptions = {}): Recovery {
  const ex = examineLibrary(dir);
  const now = opts.now ?? new Date();
  const out = path.join(ex.library, `paddy.recovered-${stamp(now)}.db`);
  const notes: string[] = [];
  if (ex.state === 'ok') throw new Error(`${ex.db} is whole: nothing to recover`);
  let method: RecoveryMethod;
  if (ex.state === 'damaged') {
    // Work from a copy: even a reader may touch a WAL file, and the original must stay as it was.
    const work = fs.mkdtempSync(path.join(ex.library, '.recovering-'));
    try {
      const src = path.join(work, 'paddy.db');
      fs.copyFileSync(ex.db, src);
      if (fs.existsSync(`${ex.db}-wal`)) fs.copyFileSync(`${ex.db}-wal`, `${src}-wal`);
      const shell = opts.sqlite3 === undefined ? 'sqlite3' : opts.sqlite3;
      if (shell && sqliteRecover(shell, src, out)) method = 'sqlite3 .recover';
      else {
        if (shell) notes.push(`${shell} .recover was not available or failed; copied what could be read table by table`);
        fs.rmSync(out, { force: true });
        copyReadable(src, out);
        method = 'table copy';
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  } else {
    const whole = ex.backups.find((b) => checkDatabase(b, true).length === 0);
    if (!whole) throw new Error(`${ex.db} is ${ex.state} and there is no whole backup in ${path.join(ex.library, 'backups')}: nothing to recover from`);
    fs.copyFileSync(whole, out);
    notes.push(`restored from ${whole}`);
    method = 'backup';
  }
  let rows: Record<string, number> = {};
  let orphansRemoved = 0;
  try {
    const db = new Database(out);
    try {
      if ((db.pragma('user_version', { simple: true }) as number) === 0 && ex.state === 'damaged') {
        const v = headerUserVersion(fs.readFileSync(ex.db).subarray(0, 100));
        if (v) db.pragma(`user_version = ${v}`);
      }
      orphansRemoved = removeOrphans(db);
      db.pragma('journal_mode = WAL');
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
      rows = Object.fromEntries(tables.map((t) => [t, Number(db.prepare(`SELECT COUNT(*) FROM ${q(t)}`).pluck().get())]));
    } finally {
      db.close();
    }
    const problems = checkDatabase(out, true);
    if (problems.length) throw new Error(`the recovered copy is not whole either (${problems[0]})`);
  } catch (e) {
    for (const f of [out, `${out}-wal`, `${out}-shm`]) fs.rmSync(f, { force: true });
    throw e;
  }
  const damagedKept = ex.state === 'missing' ? null : moveDamaged(ex.db, now);
  fs.renameSync(out, ex.db);
  for (const s of ['-wal', '-shm']) if (fs.existsSync(`${out}${s}`)) fs.renameSync(`${out}${s}`, `${ex.db}${s}`);
  return { method, rows, orphansRemoved, damagedKept, notes };
}
