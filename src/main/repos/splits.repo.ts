// Stored train/val/test assignment per image, and the per-class/per-split counts the assigner and stats read.
import type Database from 'better-sqlite3';
import type { Split } from '../../shared/types';

export interface ClassSplitCount {
  classId: number;
  name: string;
  split: Split | null;
  n: number;
}

interface Statements {
  countsForClass: Database.Statement<[number], { split: Split; n: number }>;
  insert: Database.Statement<[number, string, string]>;
  byClass: Database.Statement<[], ClassSplitCount>;
  unlabeled: Database.Statement<[], { n: number }>;
  unassigned: Database.Statement<[], { id: number; sha256: string; classId: number }>;
}

const cache = new WeakMap<Database.Database, Statements>();

function statements(db: Database.Database): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      countsForClass: db.prepare(`
        SELECT s.split, COUNT(*) AS n FROM splits s JOIN labels l ON l.image_id = s.image_id
        WHERE l.class_id = ? GROUP BY s.split`),
      insert: db.prepare(`INSERT OR IGNORE INTO splits (image_id, split, assigned_at) VALUES (?, ?, ?)`),
      // Every live class (even an empty one; a merged-away class only while it still has images) with its images per split; split NULL = labeled but not assigned.
      byClass: db.prepare(`
        SELECT c.id AS classId, c.name, s.split, COUNT(l.image_id) AS n
        FROM classes c LEFT JOIN labels l ON l.class_id = c.id LEFT JOIN splits s ON s.image_id = l.image_id
        WHERE c.hidden = 0 OR l.image_id IS NOT NULL
        GROUP BY c.id, s.split ORDER BY c.position, c.name`),
      unlabeled: db.prepare(`SELECT COUNT(*) AS n FROM images i WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)`),
      unassigned: db.prepare(`
        SELECT i.id, i.sha256, l.class_id AS classId FROM images i JOIN labels l ON l.image_id = i.id
        WHERE NOT EXISTS (SELECT 1 FROM splits s WHERE s.image_id = i.id)`),
    };
    cache.set(db, s);
  }
  return s;
}

export function splitCountsForClass(db: Database.Database, classId: number): Record<Split, number> {
  const out: Record<Split, number> = { train: 0, val: 0, test: 0 };
  for (const r of statements(db).countsForClass.all(classId)) out[r.split] = r.n;
  return out;
}

export function insertSplit(db: Database.Database, imageId: number, split: Split, at: string): void {
  statements(db).insert.run(imageId, split, at);
}

export function classSplitCounts(db: Database.Database): ClassSplitCount[] {
  return statements(db).byClass.all();
}

export function countUnlabeled(db: Database.Database): number {
  return statements(db).unlabeled.get()!.n;
}

/** Labeled images that have no split yet (e.g. labeled by hand after an import). */
export function unassignedImages(db: Database.Database): Array<{ id: number; sha256: string; classId: number }> {
  return statements(db).unassigned.all();
}
