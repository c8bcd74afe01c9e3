// Stored train/val/test assignment per image, and the per-class/per-split counts the assigner and stats read.
import type Database from 'better-sqlite3';
import type { Split } from '../../shared/types';
import { stmt } from './statements';

export interface ClassSplitCount {
  classId: number;
  name: string;
  split: Split | null;
  n: number;
}

export function splitCountsForClass(db: Database.Database, classId: number): Record<Split, number> {
  const out: Record<Split, number> = { train: 0, val: 0, test: 0 };
  const rows = stmt<[number], { split: Split; n: number }>(
    db,
    `SELECT s.split, COUNT(*) AS n FROM splits s JOIN labels l ON l.image_id = s.image_id
     WHERE l.class_id = ? GROUP BY s.split`,
  ).all(classId);
  for (const r of rows) out[r.split] = r.n;
  return out;
}

export function insertSplit(db: Database.Database, imageId: number, split: Split, at: string): void {
  stmt<[number, string, string]>(db, `INSERT OR IGNORE INTO splits (image_id, split, assigned_at) VALUES (?, ?, ?)`).run(imageId, split, at);
}

/**
 * Every live class (even an empty one; a merged-away class only while it still has images) with its images
 * per split; split NULL = labeled but not assigned.
 */
export function classSplitCounts(db: Database.Database): ClassSplitCount[] {
  return stmt<[], ClassSplitCount>(
    db,
    `SELECT c.id AS classId, c.name, s.split, COUNT(l.image_id) AS n
     FROM classes c LEFT JOIN labels l ON l.class_id = c.id LEFT JOIN splits s ON s.image_id = l.image_id
     WHERE c.hidden = 0 OR l.image_id IS NOT NULL
     GROUP BY c.id, s.split ORDER BY c.position, c.name`,
  ).all();
}

export function countUnlabeled(db: Database.Database): number {
  return stmt<[], { n: number }>(db, `SELECT COUNT(*) AS n FROM images i WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)`).get()!.n;
}

/** Labeled images that have no split yet (e.g. labeled by hand after an import). */
export function unassignedImages(db: Database.Database): Array<{ id: number; sha256: string; classId: number }> {
  return stmt<[], { id: number; sha256: string; classId: number }>(
    db,
    `SELECT i.id, i.sha256, l.class_id AS classId FROM images i JOIN labels l ON l.image_id = i.id
     WHERE NOT EXISTS (SELECT 1 FROM splits s WHERE s.image_id = i.id)`,
  ).all();
}
