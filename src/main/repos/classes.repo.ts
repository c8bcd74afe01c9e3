// Classes: created on first sight by an import (or by hand); position follows alphabetical order.
import type Database from 'better-sqlite3';

export interface ClassRow {
  id: number;
  name: string;
  position: number;
  hidden: number;
}

interface Statements {
  all: Database.Statement<[], ClassRow>;
  byName: Database.Statement<[string], ClassRow>;
  insert: Database.Statement<[string, string]>;
  reposition: Database.Statement<[]>;
  mergedInto: Database.Statement<[number], { intoId: number }>;
  byId: Database.Statement<[number], ClassRow>;
  unhide: Database.Statement<[number]>;
  renamedFolder: Database.Statement<[string], { id: number }>;
}

const cache = new WeakMap<Database.Database, Statements>();

function statements(db: Database.Database): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      all: db.prepare(`SELECT id, name, position, hidden FROM classes ORDER BY position, name`),
      // Case-insensitive like the class editor: a folder "basmati" joins the class "Basmati".
      byName: db.prepare(`SELECT id, name, position, hidden FROM classes WHERE name = ? COLLATE NOCASE`),
      insert: db.prepare(`INSERT INTO classes (name, position, created_at) VALUES (?, 0, ?)`),
      // Rank by name (case-insensitive, then exact) so the order is alphabetical whatever the insertion order.
      reposition: db.prepare(`
        UPDATE classes SET position = (
          SELECT COUNT(*) FROM classes c2
          WHERE lower(c2.name) < lower(classes.name) OR (lower(c2.name) = lower(classes.name) AND c2.name < classes.name)
        )`),
      mergedInto: db.prepare(`SELECT into_id AS intoId FROM class_merges WHERE from_id = ? ORDER BY batch_id DESC LIMIT 1`),
      byId: db.prepare(`SELECT id, name, position, hidden FROM classes WHERE id = ?`),
      unhide: db.prepare(`UPDATE classes SET hidden = 0 WHERE id = ?`),
      // The live class that this folder's images still carry as their folder label (the class was renamed).
      renamedFolder: db.prepare(`
        SELECT l.class_id AS id FROM image_sources s
        JOIN labels l ON l.image_id = s.image_id AND l.origin = 'folder'
        JOIN classes c ON c.id = l.class_id AND c.hidden = 0
        WHERE s.class_name = ? GROUP BY l.class_id ORDER BY COUNT(*) DESC, l.class_id LIMIT 1`),
    };
    cache.set(db, s);
  }
  return s;
}

export function listClasses(db: Database.Database): ClassRow[] {
  return statements(db).all.all();
}

export function findClassByName(db: Database.Database, name: string): ClassRow | undefined {
  return statements(db).byName.get(name);
}

/**
 * The class a folder named `name` imports into: the class of that name (following a merge if it was merged
 * away), else the class the folder's earlier images went to (it was renamed), else a new class (positions
 * renumbered). Call inside a transaction.
 */
export function ensureClass(db: Database.Database, name: string): number {
  const s = statements(db);
  let found = s.byName.get(name);
  // A class merged away lives on in the class it was merged into: new images of its folder go there.
  for (let hops = 0; found?.hidden && hops < 100; hops++) {
    const into = s.mergedInto.get(found.id);
    if (!into) {
      s.unhide.run(found.id);
      return found.id;
    }
    found = s.byId.get(into.intoId);
  }
  if (found) return found.id;
  const renamed = s.renamedFolder.get(name);
  if (renamed) return renamed.id;
  const id = Number(s.insert.run(name, new Date().toISOString()).lastInsertRowid);
  s.reposition.run();
  return id;
}
