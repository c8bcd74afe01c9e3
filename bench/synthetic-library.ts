// Rows for a large synthetic library, inserted directly in one transaction (the importer has its own benchmark):
// the five rice classes, image n labeled class n mod 5 by its folder and given a 70/10/20 train/val/test split.
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';

export const CLASSES = ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];
const SPLITS = ['train', 'train', 'train', 'train', 'train', 'train', 'train', 'val', 'test', 'test'] as const;

/** Image n gets sha256(`${tag}-${n}`), `source(n)` as its source file and `name(n)` as its name. */
export function insertSyntheticImages(
  db: Database.Database,
  n: number,
  opts: { tag: string; format: string; source: (n: number) => string; name: (n: number) => string },
): { ids: number[]; shas: string[] } {
  const ids: number[] = [];
  const shas: string[] = [];
  db.transaction(() => {
    const now = new Date().toISOString();
    const classIds = CLASSES.map((c, i) => Number(db.prepare(`INSERT INTO classes (name, position, created_at) VALUES (?, ?, ?)`).run(c, i, now).lastInsertRowid));
    const img = db.prepare(
      `INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at, conflict) VALUES (?, ?, ?, 250, 250, ?, 4000, ?, 0)`,
    );
    const lab = db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, 'folder', ?)`);
    const spl = db.prepare(`INSERT INTO splits (image_id, split, assigned_at) VALUES (?, ?, ?)`);
    for (let i = 0; i < n; i++) {
      const sha = crypto.createHash('sha256').update(`${opts.tag}-${i}`).digest('hex');
      const id = Number(img.run(sha, opts.source(i), opts.name(i), opts.format, now).lastInsertRowid);
      lab.run(id, classIds[i % CLASSES.length], now);
      spl.run(id, SPLITS[i % SPLITS.length], now);
      ids.push(id);
      shas.push(sha);
    }
  })();
  return { ids, shas };
}
