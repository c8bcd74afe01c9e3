// One image's detail panel: its row, every place its bytes were seen, and the latest runs'
// predictions for it.
import type Database from 'better-sqlite3';
import type { ModelKind } from '../../shared/types';
import type { SummaryRow } from './browse.repo';
import { stmt } from './statements';

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

export function imageDetailRow(db: Database.Database, imageId: number): ImageRow | undefined {
  return stmt<[number], ImageRow>(
    db,
    `SELECT i.id, i.file_name AS fileName, l.class_id AS classId, c.name AS className, l.origin, s.split,
            i.conflict, i.width, i.height, i.sha256, i.source_path AS sourcePath, i.format, i.bytes,
            i.imported_at AS importedAt
     FROM images i
     LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN classes c ON c.id = l.class_id
     LEFT JOIN splits s ON s.image_id = i.id
     WHERE i.id = ?`,
  ).get(imageId);
}

/** Every path the image's bytes were found at, in the order they were seen. */
export function imageSources(db: Database.Database, imageId: number): Array<{ path: string; className: string }> {
  return stmt<[number], { path: string; className: string }>(
    db,
    `SELECT path, class_name AS className FROM image_sources WHERE image_id = ? ORDER BY rowid`,
  ).all(imageId);
}

/** The image's predictions by the `limit` newest runs that predicted it. */
export function imagePredictions(db: Database.Database, imageId: number, limit: number): PredictionRow[] {
  return stmt<[number, number], PredictionRow>(
    db,
    `SELECT r.id AS runId, r.model, r.classes AS runClasses, p.predicted_class_id AS predictedClassId,
            c.name AS predictedName, p.probs
     FROM run_predictions p
     JOIN runs r ON r.id = p.run_id
     LEFT JOIN classes c ON c.id = p.predicted_class_id
     WHERE p.image_id = ?
     ORDER BY r.created_at DESC, r.id DESC
     LIMIT ?`,
  ).all(imageId, limit);
}
