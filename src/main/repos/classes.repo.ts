// Classes: created on first sight by an import (or by hand), renamed, hidden after a merge; position follows
// alphabetical order. Also the merge records that let undo/redo of a merge batch show and hide the merged-away
// class again.
import type Database from 'better-sqlite3';
import { stmt } from './statements';

export interface ClassRow {
  id: number;
  name: string;
  position: number;
  hidden: number;
}

const CLASS_COLUMNS = `id, name, position, hidden`;

// Rank by name (case-insensitive, then exact) so the order is alphabetical whatever the insertion order, and a
// renamed class moves to its new place in the list.
const REPOSITION = `
  UPDATE classes SET position = (
    SELECT COUNT(*) FROM classes c2
    WHERE lower(c2.name) < lower(classes.name) OR (lower(c2.name) = lower(classes.name) AND c2.name < classes.name)
  )`;

export function classById(db: Database.Database, id: number): ClassRow | undefined {
  return stmt<[number], ClassRow>(db, `SELECT ${CLASS_COLUMNS} FROM classes WHERE id = ?`).get(id);
}

/** Class names compare case-insensitively: "basmati" next to "Basmati" is a typo (or the same folder), not a new class. */
export function findClassByName(db: Database.Database, name: string): ClassRow | undefined {
  return stmt<[string], ClassRow>(db, `SELECT ${CLASS_COLUMNS} FROM classes WHERE name = ? COLLATE NOCASE`).get(name);
}

/**
 * The class a folder named `name` imports into: the class of that name (following a merge if it was merged
 * away), else the class the folder's earlier images went to (it was renamed), else a new class (positions
 * renumbered). Call inside a transaction.
 */
export function ensureClass(db: Database.Database, name: string): number {
  let found = findClassByName(db, name);
  // A class merged away lives on in the class it was merged into: new images of its folder go there.
  for (let hops = 0; found?.hidden && hops < 100; hops++) {
    const into = stmt<[number], { intoId: number }>(
      db,
      `SELECT into_id AS intoId FROM class_merges WHERE from_id = ? ORDER BY batch_id DESC LIMIT 1`,
    ).get(found.id);
    if (!into) {
      setClassHidden(db, found.id, false);
      return found.id;
    }
    found = classById(db, into.intoId);
  }
  if (found) return found.id;
  // The live class that this folder's images still carry as their folder label (the class was renamed).
  const renamed = stmt<[string], { id: number }>(
    db,
    `SELECT l.class_id AS id FROM image_sources s
     JOIN labels l ON l.image_id = s.image_id AND l.origin = 'folder'
     JOIN classes c ON c.id = l.class_id AND c.hidden = 0
     WHERE s.class_name = ? GROUP BY l.class_id ORDER BY COUNT(*) DESC, l.class_id LIMIT 1`,
  ).get(name);
  if (renamed) return renamed.id;
  const id = Number(stmt<[string, string]>(db, `INSERT INTO classes (name, position, created_at) VALUES (?, 0, ?)`).run(name, new Date().toISOString()).lastInsertRowid);
  stmt(db, REPOSITION).run();
  return id;
}

export function setClassName(db: Database.Database, id: number, name: string): void {
  stmt<[string, number]>(db, `UPDATE classes SET name = ? WHERE id = ?`).run(name, id);
  stmt(db, REPOSITION).run();
}

export function setClassHidden(db: Database.Database, id: number, hidden: boolean): void {
  stmt<[number, number]>(db, `UPDATE classes SET hidden = ? WHERE id = ?`).run(hidden ? 1 : 0, id);
}

/** The images currently labeled `classId`, by id. */
export function imagesOfClass(db: Database.Database, classId: number): number[] {
  return stmt<[number], { imageId: number }>(db, `SELECT image_id AS imageId FROM labels WHERE class_id = ? ORDER BY image_id`)
    .all(classId)
    .map((r) => r.imageId);
}

export function recordClassMerge(db: Database.Database, batchId: number, fromId: number, intoId: number, at: string): void {
  stmt<[number, number, number, string]>(db, `INSERT INTO class_merges (batch_id, from_id, into_id, at) VALUES (?, ?, ?, ?)`).run(batchId, fromId, intoId, at);
}

/** The merge a label-journal batch carried out, if it was one. */
export function mergeOfBatch(db: Database.Database, batchId: number): { fromId: number; intoId: number } | undefined {
  return stmt<[number], { fromId: number; intoId: number }>(
    db,
    `SELECT from_id AS fromId, into_id AS intoId FROM class_merges WHERE batch_id = ?`,
  ).get(batchId);
}
