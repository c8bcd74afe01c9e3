// Images referenced in place (content SHA-256 unique), where each was seen (image_sources), and the writes an
// import makes for a new image: its folder label and the label journal row that records it.
import type Database from 'better-sqlite3';
import type { Split } from '../../shared/types';

export interface NewImage {
  sha256: string;
  sourcePath: string;
  fileName: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  importId: number | null;
}

export interface ExistingImage {
  id: number;
  conflict: number;
  /** Current label's class name (null when unlabeled). */
  className: string | null;
}

export interface ImageFileRow {
  id: number;
  sha256: string;
  source_path: string;
}

export interface ExportRow {
  id: number;
  sha256: string;
  source_path: string;
  file_name: string;
  class_name: string;
  split: Split | null;
}

interface Statements {
  bySha: Database.Statement<[string], ExistingImage>;
  insert: Database.Statement<[string, string, string, number, number, string, number, string, number | null]>;
  addSource: Database.Statement<[number, string, string, number]>;
  hasSource: Database.Statement<[number, string], { n: number }>;
  sourceClasses: Database.Statement<[number], { class_name: string }>;
  setConflict: Database.Statement<[number]>;
  label: Database.Statement<[number, number, string]>;
  nextBatch: Database.Statement<[], { b: number }>;
  journal: Database.Statement<[number, number, number, string]>;
  file: Database.Statement<[number], ImageFileRow>;
  count: Database.Statement<[], { n: number }>;
  conflicts: Database.Statement<[], { n: number }>;
  exportRows: Database.Statement<[], ExportRow>;
}

const cache = new WeakMap<Database.Database, Statements>();

function statements(db: Database.Database): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      bySha: db.prepare(`
        SELECT i.id, i.conflict, c.name AS className
        FROM images i LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id
        WHERE i.sha256 = ?`),
      insert: db.prepare(`
        INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at, import_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      addSource: db.prepare(`INSERT OR IGNORE INTO image_sources (image_id, path, class_name, import_id) VALUES (?, ?, ?, ?)`),
      hasSource: db.prepare(`SELECT COUNT(*) AS n FROM image_sources WHERE image_id = ? AND path = ?`),
      sourceClasses: db.prepare(`SELECT DISTINCT class_name FROM image_sources WHERE image_id = ?`),
      setConflict: db.prepare(`UPDATE images SET conflict = 1 WHERE id = ?`),
      label: db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, 'folder', ?)`),
      nextBatch: db.prepare(`SELECT COALESCE(MAX(batch_id), 0) + 1 AS b FROM label_journal`),
      journal: db.prepare(`
        INSERT INTO label_journal (batch_id, image_id, old_class_id, new_class_id, origin, at, state)
        VALUES (?, ?, NULL, ?, 'folder', ?, 'done')`),
      file: db.prepare(`SELECT id, sha256, source_path FROM images WHERE id = ?`),
      count: db.prepare(`SELECT COUNT(*) AS n FROM images`),
      conflicts: db.prepare(`SELECT COUNT(*) AS n FROM images WHERE conflict = 1`),
      exportRows: db.prepare(`
        SELECT i.id, i.sha256, i.source_path, i.file_name, c.name AS class_name, s.split
        FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id
        LEFT JOIN splits s ON s.image_id = i.id
        ORDER BY c.position, c.name, i.file_name, i.id`),
    };
    cache.set(db, s);
  }
  return s;
}

export function findImageBySha(db: Database.Database, sha256: string): ExistingImage | undefined {
  return statements(db).bySha.get(sha256);
}

export function insertImage(db: Database.Database, img: NewImage, at: string): number {
  return Number(
    statements(db).insert.run(img.sha256, img.sourcePath, img.fileName, img.width, img.height, img.format, img.bytes, at, img.importId)
      .lastInsertRowid,
  );
}

/** Records that `path` (under class folder `className`) holds the image; false when already recorded. */
export function addImageSource(db: Database.Database, imageId: number, path: string, className: string, importId: number): boolean {
  return statements(db).addSource.run(imageId, path, className, importId).changes > 0;
}

export function hasImageSource(db: Database.Database, imageId: number, path: string): boolean {
  return statements(db).hasSource.get(imageId, path)!.n > 0;
}

/** The class folders the image's bytes were found under. */
export function imageSourceClasses(db: Database.Database, imageId: number): string[] {
  return statements(db).sourceClasses.all(imageId).map((r) => r.class_name);
}

export function markConflict(db: Database.Database, imageId: number): void {
  statements(db).setConflict.run(imageId);
}

/** A fresh label-journal batch id: every folder label written by one transaction shares it. */
export function nextJournalBatch(db: Database.Database): number {
  return statements(db).nextBatch.get()!.b;
}

/** The folder label of a newly imported image and its journal row (old = NULL, origin 'folder'). */
export function insertFolderLabel(db: Database.Database, imageId: number, classId: number, batchId: number, at: string): void {
  const s = statements(db);
  s.label.run(imageId, classId, at);
  s.journal.run(batchId, imageId, classId, at);
}

export function imageFile(db: Database.Database, imageId: number): ImageFileRow | undefined {
  return statements(db).file.get(imageId);
}

export function countImages(db: Database.Database): number {
  return statements(db).count.get()!.n;
}

export function countConflicts(db: Database.Database): number {
  return statements(db).conflicts.get()!.n;
}

/** Every labeled image with its class and split, in class then file-name order. */
export function labeledImagesForExport(db: Database.Database): ExportRow[] {
  return statements(db).exportRows.all();
}
