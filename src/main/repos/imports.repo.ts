// The imports table (one row per run of an import, with its counts) and the files each one skipped.
import type Database from 'better-sqlite3';
import type { ImportSummary, SkippedFile } from '../../shared/types';

export interface ImportCounts {
  total: number;
  imported: number;
  alreadyPresent: number;
  conflicts: number;
  skipped: number;
}

interface ImportRow {
  id: number;
  folder: string;
  started_at: string;
  finished_at: string | null;
  status: ImportSummary['status'];
  total: number;
  imported: number;
  already_present: number;
  conflicts: number;
  skipped: number;
  error: string | null;
}

interface Statements {
  create: Database.Statement<[string, string]>;
  counts: Database.Statement<[number, number, number, number, number, number]>;
  finish: Database.Statement<[string, string, string | null, number]>;
  addSkip: Database.Statement<[number, string, string]>;
  skips: Database.Statement<[number], SkippedFile>;
  get: Database.Statement<[number], ImportRow>;
  list: Database.Statement<[], ImportRow>;
}

const cache = new WeakMap<Database.Database, Statements>();

function statements(db: Database.Database): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      create: db.prepare(`INSERT INTO imports (folder, started_at, status) VALUES (?, ?, 'running')`),
      counts: db.prepare(
        `UPDATE imports SET total = ?, imported = ?, already_present = ?, conflicts = ?, skipped = ? WHERE id = ?`,
      ),
      finish: db.prepare(`UPDATE imports SET status = ?, finished_at = ?, error = ? WHERE id = ?`),
      addSkip: db.prepare(`INSERT INTO import_skips (import_id, path, reason) VALUES (?, ?, ?)`),
      skips: db.prepare(`SELECT path, reason FROM import_skips WHERE import_id = ? ORDER BY id`),
      get: db.prepare(`SELECT * FROM imports WHERE id = ?`),
      list: db.prepare(`SELECT * FROM imports ORDER BY id DESC`),
    };
    cache.set(db, s);
  }
  return s;
}

export function createImport(db: Database.Database, folder: string): number {
  return Number(statements(db).create.run(folder, new Date().toISOString()).lastInsertRowid);
}

export function updateImportCounts(db: Database.Database, importId: number, c: ImportCounts): void {
  statements(db).counts.run(c.total, c.imported, c.alreadyPresent, c.conflicts, c.skipped, importId);
}

export function finishImport(
  db: Database.Database,
  importId: number,
  status: 'completed' | 'interrupted' | 'failed',
  error: string | null = null,
): void {
  statements(db).finish.run(status, new Date().toISOString(), error, importId);
}

export function addImportSkip(db: Database.Database, importId: number, skip: SkippedFile): void {
  statements(db).addSkip.run(importId, skip.path, skip.reason);
}

export function importSkips(db: Database.Database, importId: number): SkippedFile[] {
  return statements(db).skips.all(importId);
}

function toSummary(r: ImportRow): ImportSummary {
  return {
    id: r.id,
    folder: r.folder,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    imported: r.imported,
    alreadyPresent: r.already_present,
    conflicts: r.conflicts,
    skipped: r.skipped,
  };
}

export function getImport(db: Database.Database, importId: number): (ImportSummary & { total: number; error: string | null }) | undefined {
  const r = statements(db).get.get(importId);
  return r ? { ...toSummary(r), total: r.total, error: r.error } : undefined;
}

export function listImports(db: Database.Database): ImportSummary[] {
  return statements(db).list.all().map(toSummary);
}
