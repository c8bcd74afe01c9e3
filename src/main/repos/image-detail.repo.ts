// Statements for one image's detail panel: its row, every place its bytes were seen, and the latest runs'
// predictions for it.
import type Database from 'better-sqlite3';
import type { ModelKind } from '../../shared/types';
import type { SummaryRow } from './browse.repo';

export interface ImageRow extends SummaryRow {
  sha256: string;
  sourcePath: string;
  format: string;
  bytes: number;
  importedAt: string;
}

export interface PredictionRow {
  runId: string;
  model: ModelKind;
  runClasses: string;
  predictedClassId: number;
  predictedName: string | null;
  probs: string;
}

function build(db: Database.Database) {
  const image = db.prepare<[number], ImageRow>(`
    SELECT i.id, i.file_name AS fileName, l.class_id AS classId, c.name AS className, l.origin, s.split,
           i.conflict, i.width, i.height, i.sha256, i.source_path AS sourcePath, i.format, i.bytes,
           i.imported_at AS importedAt
    FROM images i
    LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id
    LEFT JOIN splits s ON s.image_id = i.id
    WHERE i.id = ?`);
  const sources = db.prepare<[number], { path: string; className: string }>(
    `SELECT path, class_name AS className FROM image_sources WHERE image_id = ? ORDER BY rowid`,
  );
  const predictions = db.prepare<[number, number], PredictionRow>(`
    SELECT r.id AS runId, r.model, r.classes AS runClasses, p.predicted_class_id AS predictedClassId,
           c.name AS predictedName, p.probs
    FROM run_predictions p
    JOIN runs r ON r.id = p.run_id
    LEFT JOIN classes c ON c.id = p.predicted_class_id
    WHERE p.image_id = ?
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT ?`);
  return {
    image: (id: number) => image.get(id),
    sources: (id: number) => sources.all(id),
    predictions: (id: number, limit: number) => predictions.all(id, limit),
  };
}

export type ImageDetailRepo = ReturnType<typeof build>;
const cache = new WeakMap<Database.Database, ImageDetailRepo>();

export function imageDetailRepo(db: Database.Database): ImageDetailRepo {
  let repo = cache.get(db);
  if (!repo) cache.set(db, (repo = build(db)));
  return repo;
}
