// The imports table (one row per run of an import, with its counts) and the files each one skipped.
import type Database from 'better-sqlite3';
import os from 'node:os';
import type { ImportSummary, SkippedFile } from '../../shared/types';
import { stmt } from './statements';

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

/** A running import owned by this process (pid + host), so other processes opening the library leave it alone. */
export function createImport(db: Database.Database, folder: string): number {
  return Number(
    stmt(db, `INSERT INTO imports (folder, started_at, status, owner_pid, owner_host) VALUES (?, ?, 'running', ?, ?)`)
      .run(folder, new Date().toISOString(), process.pid, os.hostname()).lastInsertRowid,
  );
}

export function updateImportCounts(db: Database.Database, importId: number, c: ImportCounts): void {
  stmt(db, `UPDATE imports SET total = ?, imported = ?, already_present = ?, conflicts = ?, skipped = ? WHERE id = ?`)
    .run(c.total, c.imported, c.alreadyPresent, c.conflicts, c.skipped, importId);
}

export function finishImport(
  db: Database.Database,
  importId: number,
  status: 'completed' | 'interrupted' | 'failed',
  error: string | null = null,
): void {
  stmt(db, `UPDATE imports SET status = ?, finished_at = ?, error = ? WHERE id = ?`).run(status, new Date().toISOString(), error, importId);
}

export function runningImports(db: Database.Database): { id: number; pid: number | null; host: string | null }[] {
  return stmt<[], { id: number; pid: number | null; host: string | null }>(
    db,
    `SELECT id, owner_pid AS pid, owner_host AS host FROM imports WHERE status = 'running'`,
  ).all();
}

/** An import a killed process left running becomes interrupted; the batches it committed stay. */
export function interruptImport(db: Database.Database, importId: number, at: string): boolean {
  return stmt(db, `UPDATE imports SET status = 'interrupted', finished_at = COALESCE(finished_at, ?) WHERE id = ? AND status = 'running'`)
    .run(at, importId).changes > 0;
}

export function addImportSkip(db: Database.Database, importId: number, skip: SkippedFile): void {
  stmt(db, `INSERT INTO import_skips (import_id, path, reason) VALUES (?, ?, ?)`).run(importId, skip.path, skip.reason);
}

export function importSkips(db: Database.Database, importId: number): SkippedFile[] {
  return stmt<[number], SkippedFile>(db, `SELECT path, reason FROM import_skips WHERE import_id = ? ORDER BY id`).all(importId);
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
  const r = stmt<[number], ImportRow>(db, `SELECT * FROM imports WHERE id = ?`).get(importId);
  return r ? { ...toSummary(r), total: r.total, error: r.error } : undefined;
}

export function listImports(db: Database.Database): ImportSummary[] {
  return stmt<[], ImportRow>(db, `SELECT * FROM imports ORDER BY id DESC`).all().map(toSummary);
}
