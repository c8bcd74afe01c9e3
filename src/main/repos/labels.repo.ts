// The current labels and the label journal (the undo/redo stack).
import type Database from 'better-sqlite3';
import type { LabelOrigin } from '../../shared/types';
import { stmt } from './statements';

export type JournalState = 'done' | 'undone' | 'discarded';

export interface JournalRow {
  id: number;
  batchId: number;
  imageId: number;
  oldClassId: number | null;
  newClassId: number | null;
  origin: LabelOrigin;
  at: string;
  state: JournalState;
}

export interface CurrentLabel {
  imageId: number;
  classId: number | null;
  origin: LabelOrigin | null;
  exists: 0 | 1;
}

export interface HistoryRow {
  id: number;
  at: string;
  oldClass: string | null;
  newClass: string | null;
  origin: LabelOrigin;
  state: JournalState;
}

const JOURNAL_COLUMNS = `id, batch_id AS batchId, image_id AS imageId, old_class_id AS oldClassId,
  new_class_id AS newClassId, origin, at, state`;

/** The current label of each id; ids travel as one JSON array, so a 100,000-image selection is one statement. */
export function currentLabels(db: Database.Database, imageIds: readonly number[]): CurrentLabel[] {
  return stmt<[string], CurrentLabel>(
    db,
    `SELECT j.value AS imageId, l.class_id AS classId, l.origin AS origin,
            (i.id IS NOT NULL) AS "exists"
     FROM json_each(?) j
     LEFT JOIN images i ON i.id = j.value
     LEFT JOIN labels l ON l.image_id = j.value`,
  ).all(JSON.stringify(imageIds));
}

/** Sets (classId null: removes) an image's label. */
export function writeLabel(db: Database.Database, imageId: number, classId: number | null, origin: LabelOrigin, at: string): void {
  if (classId === null) {
    stmt<[number]>(db, `DELETE FROM labels WHERE image_id = ?`).run(imageId);
    return;
  }
  stmt<[number, number, LabelOrigin, string]>(
    db,
    `INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(image_id) DO UPDATE SET class_id = excluded.class_id, origin = excluded.origin,
       updated_at = excluded.updated_at`,
  ).run(imageId, classId, origin, at);
}

/** A fresh label-journal batch id: every row written by one transaction shares it. Call inside that transaction. */
export function nextJournalBatch(db: Database.Database): number {
  return stmt<[], { next: number }>(db, `SELECT COALESCE(MAX(batch_id), 0) + 1 AS next FROM label_journal`).get()!.next;
}

export function insertJournalRow(
  db: Database.Database,
  batchId: number,
  imageId: number,
  oldClassId: number | null,
  newClassId: number | null,
  origin: LabelOrigin,
  at: string,
): void {
  stmt<[number, number, number | null, number | null, LabelOrigin, string]>(
    db,
    `INSERT INTO label_journal (batch_id, image_id, old_class_id, new_class_id, origin, at, state)
     VALUES (?, ?, ?, ?, ?, ?, 'done')`,
  ).run(batchId, imageId, oldClassId, newClassId, origin, at);
}

/** Drops the redo stack; returns how many journal rows it held. */
export function discardUndoneBatches(db: Database.Database): number {
  return stmt(db, `UPDATE label_journal SET state = 'discarded' WHERE state = 'undone'`).run().changes;
}

/** The newest batch still applied, or null. The import's 'folder' rows are never undone: they are the starting point, not an edit. */
export function newestUndoableBatch(db: Database.Database): number | null {
  return stmt<[], { batchId: number | null }>(
    db,
    `SELECT MAX(batch_id) AS batchId FROM label_journal
     WHERE state = 'done' AND origin IN ('manual', 'suggestion')`,
  ).get()!.batchId;
}

/**
 * The batch undone most recently, or null. Undone batches always form the newest part of the stack (any new
 * change discards them), so the most recently undone one is the lowest.
 */
export function nextRedoableBatch(db: Database.Database): number | null {
  return stmt<[], { batchId: number | null }>(
    db,
    `SELECT MIN(batch_id) AS batchId FROM label_journal
     WHERE state = 'undone' AND origin IN ('manual', 'suggestion')`,
  ).get()!.batchId;
}

export function journalBatchRows(db: Database.Database, batchId: number): JournalRow[] {
  return stmt<[number], JournalRow>(db, `SELECT ${JOURNAL_COLUMNS} FROM label_journal WHERE batch_id = ? ORDER BY id`).all(batchId);
}

export function setJournalBatchState(db: Database.Database, batchId: number, state: JournalState): number {
  return stmt<[JournalState, number]>(db, `UPDATE label_journal SET state = ? WHERE batch_id = ?`).run(state, batchId).changes;
}

/** Origin of the label an image had before journal row `beforeId`; labels written without a journal row came from an import. */
export function previousLabelOrigin(db: Database.Database, imageId: number, beforeId: number): LabelOrigin {
  return (
    stmt<[number, number], { origin: LabelOrigin }>(
      db,
      `SELECT origin FROM label_journal WHERE image_id = ? AND id < ? AND state = 'done' ORDER BY id DESC LIMIT 1`,
    ).get(imageId, beforeId)?.origin ?? 'folder'
  );
}

/** Every journal row of one image, newest first, with class names. */
export function labelHistory(db: Database.Database, imageId: number): HistoryRow[] {
  return stmt<[number], HistoryRow>(
    db,
    `SELECT j.id, j.at, oc.name AS oldClass, nc.name AS newClass, j.origin, j.state
     FROM label_journal j
     LEFT JOIN classes oc ON oc.id = j.old_class_id
     LEFT JOIN classes nc ON nc.id = j.new_class_id
     WHERE j.image_id = ? ORDER BY j.id DESC`,
  ).all(imageId);
}
