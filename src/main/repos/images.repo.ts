// Images referenced in place (content SHA-256 unique), where each was seen (image_sources), and the writes an
// import makes for a new image: its folder label and the label journal row that records it.
import type Database from 'better-sqlite3';
import type { Split } from '../../shared/types';
import { insertJournalRow } from './labels.repo';
import { stmt } from './statements';

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

export function findImageBySha(db: Database.Database, sha256: string): ExistingImage | undefined {
  return stmt<[string], ExistingImage>(
    db,
    `SELECT i.id, i.conflict, c.name AS className
     FROM images i LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id
     WHERE i.sha256 = ?`,
  ).get(sha256);
}

export function insertImage(db: Database.Database, img: NewImage, at: string): number {
  const insert = stmt<[string, string, string, number, number, string, number, string, number | null]>(
    db,
    `INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at, import_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return Number(insert.run(img.sha256, img.sourcePath, img.fileName, img.width, img.height, img.format, img.bytes, at, img.importId).lastInsertRowid);
}

/** Records that `path` (under class folder `className`) holds the image; false when already recorded. */
export function addImageSource(db: Database.Database, imageId: number, path: string, className: string, importId: number): boolean {
  return (
    stmt<[number, string, string, number]>(db, `INSERT OR IGNORE INTO image_sources (image_id, path, class_name, import_id) VALUES (?, ?, ?, ?)`).run(
      imageId,
      path,
      className,
      importId,
    ).changes > 0
  );
}

export function hasImageSource(db: Database.Database, imageId: number, path: string): boolean {
  return stmt<[number, string], { n: number }>(db, `SELECT COUNT(*) AS n FROM image_sources WHERE image_id = ? AND path = ?`).get(imageId, path)!.n > 0;
}

/** The class folders the image's bytes were found under. */
export function imageSourceClasses(db: Database.Database, imageId: number): string[] {
  return stmt<[number], { class_name: string }>(db, `SELECT DISTINCT class_name FROM image_sources WHERE image_id = ?`)
    .all(imageId)
    .map((r) => r.class_name);
}

export function markConflict(db: Database.Database, imageId: number): void {
  stmt<[number]>(db, `UPDATE images SET conflict = 1 WHERE id = ?`).run(imageId);
}

/** The folder label of a newly imported image and its journal row (old = NULL, origin 'folder'). */
export function insertFolderLabel(db: Database.Database, imageId: number, classId: number, batchId: number, at: string): void {
  stmt<[number, number, string]>(db, `INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, 'folder', ?)`).run(imageId, classId, at);
  insertJournalRow(db, batchId, imageId, null, classId, 'folder', at);
}

export function imageFile(db: Database.Database, imageId: number): ImageFileRow | undefined {
  return stmt<[number], ImageFileRow>(db, `SELECT id, sha256, source_path FROM images WHERE id = ?`).get(imageId);
}

export function countImages(db: Database.Database): number {
  return stmt<[], { n: number }>(db, `SELECT COUNT(*) AS n FROM images`).get()!.n;
}

export function countConflicts(db: Database.Database): number {
  return stmt<[], { n: number }>(db, `SELECT COUNT(*) AS n FROM images WHERE conflict = 1`).get()!.n;
}

/** Every labeled image with its class and split, in class then file-name order. */
export function labeledImagesForExport(db: Database.Database): ExportRow[] {
  return stmt<[], ExportRow>(
    db,
    `SELECT i.id, i.sha256, i.source_path, i.file_name, c.name AS class_name, s.split
     FROM images i JOIN labels l ON l.image_id = i.id JOIN classes c ON c.id = l.class_id
     LEFT JOIN splits s ON s.image_id = i.id
     ORDER BY c.position, c.name, i.file_name, i.id`,
  ).all();
}
