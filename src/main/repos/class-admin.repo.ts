// Prepared statements for editing classes (add, rename, hide after a merge) and for the merge records that
// let undo/redo of a merge batch show and hide the merged-away class again.
import type Database from 'better-sqlite3';

export interface ClassRow {
  id: number;
  name: string;
  hidden: number;
}

function build(db: Database.Database) {
  const byId = db.prepare<[number], ClassRow>(`SELECT id, name, hidden FROM classes WHERE id = ?`);
  // Class names compare case-insensitively: "basmati" next to "Basmati" is a typo, not a new class.
  const byName = db.prepare<[string], ClassRow>(`SELECT id, name, hidden FROM classes WHERE name = ? COLLATE NOCASE`);
  const rename = db.prepare<[string, number]>(`UPDATE classes SET name = ? WHERE id = ?`);
  // Same ordering rule as the importer's classes.repo (alphabetical, case-insensitive first): a renamed class
  // moves to its new place in the list.
  const reposition = db.prepare(`
    UPDATE classes SET position = (
      SELECT COUNT(*) FROM classes c2
      WHERE lower(c2.name) < lower(classes.name) OR (lower(c2.name) = lower(classes.name) AND c2.name < classes.name)
    )`);
  const setHidden = db.prepare<[number, number]>(`UPDATE classes SET hidden = ? WHERE id = ?`);
  const labelCount = db.prepare<[number], { n: number }>(`SELECT COUNT(*) AS n FROM labels WHERE class_id = ?`);
  const recordMerge = db.prepare<[number, number, number, string]>(
    `INSERT INTO class_merges (batch_id, from_id, into_id, at) VALUES (?, ?, ?, ?)`,
  );
  const mergeOf = db.prepare<[number], { fromId: number; intoId: number }>(
    `SELECT from_id AS fromId, into_id AS intoId FROM class_merges WHERE batch_id = ?`,
  );
  const idsWithClass = db.prepare<[number], { imageId: number }>(`SELECT image_id AS imageId FROM labels WHERE class_id = ? ORDER BY image_id`);
  return {
    byId: (id: number) => byId.get(id),
    byName: (name: string) => byName.get(name),
    rename(id: number, name: string): void {
      rename.run(name, id);
      reposition.run();
    },
    setHidden: (id: number, hidden: boolean) => setHidden.run(hidden ? 1 : 0, id),
    labelCount: (id: number) => labelCount.get(id)!.n,
    recordMerge: (batchId: number, fromId: number, intoId: number, at: string) => recordMerge.run(batchId, fromId, intoId, at),
    mergeOf: (batchId: number) => mergeOf.get(batchId),
    imagesOf: (classId: number) => idsWithClass.all(classId).map((r) => r.imageId),
  };
}

export type ClassAdminRepo = ReturnType<typeof build>;
const cache = new WeakMap<Database.Database, ClassAdminRepo>();

export function classAdminRepo(db: Database.Database): ClassAdminRepo {
  let repo = cache.get(db);
  if (!repo) cache.set(db, (repo = build(db)));
  return repo;
}
