// Prepared statements for the current labels and the label journal (the undo/redo stack).
// One set per database connection, built on first use.
import type Database from 'better-sqlite3';
import type { LabelOrigin } from '../../shared/types';

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

function build(db: Database.Database) {
  // Ids travel as one JSON array so a 100,000-image selection is a single statement, not 100,000 binds.
  const current = db.prepare<[string], CurrentLabel>(`
    SELECT j.value AS imageId, l.class_id AS classId, l.origin AS origin,
           (i.id IS NOT NULL) AS "exists"
    FROM json_each(?) j
    LEFT JOIN images i ON i.id = j.value
    LEFT JOIN labels l ON l.image_id = j.value`);
  const upsert = db.prepare<[number, number, LabelOrigin, string]>(`
    INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(image_id) DO UPDATE SET class_id = excluded.class_id, origin = excluded.origin,
      updated_at = excluded.updated_at`);
  const remove = db.prepare<[number]>(`DELETE FROM labels WHERE image_id = ?`);
  const nextBatch = db.prepare<[], { next: number }>(`SELECT COALESCE(MAX(batch_id), 0) + 1 AS next FROM label_journal`);
  const insertJournal = db.prepare<[number, number, number | null, number | null, LabelOrigin, string]>(`
    INSERT INTO label_journal (batch_id, image_id, old_class_id, new_class_id, origin, at, state)
    VALUES (?, ?, ?, ?, ?, ?, 'done')`);
  const discardUndone = db.prepare(`UPDATE label_journal SET state = 'discarded' WHERE state = 'undone'`);
  // The import's 'folder' rows are never undone: they are the starting point, not an edit.
  const newestDone = db.prepare<[], { batchId: number | null }>(`
    SELECT MAX(batch_id) AS batchId FROM label_journal
    WHERE state = 'done' AND origin IN ('manual', 'suggestion')`);
  // Undone batches always form the newest part of the stack (any new change discards them), so the most
  // recently undone one is the lowest.
  const oldestUndone = db.prepare<[], { batchId: number | null }>(`
    SELECT MIN(batch_id) AS batchId FROM label_journal
    WHERE state = 'undone' AND origin IN ('manual', 'suggestion')`);
  const batchRows = db.prepare<[number], JournalRow>(`SELECT ${JOURNAL_COLUMNS} FROM label_journal WHERE batch_id = ? ORDER BY id`);
  const setBatchState = db.prepare<[JournalState, number]>(`UPDATE label_journal SET state = ? WHERE batch_id = ?`);
  const previousOrigin = db.prepare<[number, number], { origin: LabelOrigin }>(`
    SELECT origin FROM label_journal WHERE image_id = ? AND id < ? AND state = 'done' ORDER BY id DESC LIMIT 1`);
  const history = db.prepare<[number], HistoryRow>(`
    SELECT j.id, j.at, oc.name AS oldClass, nc.name AS newClass, j.origin, j.state
    FROM label_journal j
    LEFT JOIN classes oc ON oc.id = j.old_class_id
    LEFT JOIN classes nc ON nc.id = j.new_class_id
    WHERE j.image_id = ? ORDER BY j.id DESC`);
  const classState = db.prepare<[number], { id: number; name: string; hidden: number }>(
    `SELECT id, name, hidden FROM classes WHERE id = ?`,
  );

  return {
    current: (imageIds: readonly number[]) => current.all(JSON.stringify(imageIds)),
    setLabel(imageId: number, classId: number | null, origin: LabelOrigin, at: string): void {
      if (classId === null) remove.run(imageId);
      else upsert.run(imageId, classId, origin, at);
    },
    nextBatchId: () => nextBatch.get()!.next,
    journal: (batchId: number, imageId: number, oldClassId: number | null, newClassId: number | null, origin: LabelOrigin, at: string) =>
      insertJournal.run(batchId, imageId, oldClassId, newClassId, origin, at),
    discardUndone: () => discardUndone.run().changes,
    newestUndoable: () => newestDone.get()!.batchId,
    nextRedoable: () => oldestUndone.get()!.batchId,
    batchRows: (batchId: number) => batchRows.all(batchId),
    setBatchState: (batchId: number, state: JournalState) => setBatchState.run(state, batchId).changes,
    /** Origin of the label an image had before journal row `beforeId`; labels written without a journal row came from an import. */
    previousOrigin: (imageId: number, beforeId: number): LabelOrigin => previousOrigin.get(imageId, beforeId)?.origin ?? 'folder',
    history: (imageId: number) => history.all(imageId),
    classState: (classId: number) => classState.get(classId),
  };
}

export type LabelsRepo = ReturnType<typeof build>;
const cache = new WeakMap<Database.Database, LabelsRepo>();

export function labelsRepo(db: Database.Database): LabelsRepo {
  let repo = cache.get(db);
  if (!repo) cache.set(db, (repo = build(db)));
  return repo;
}
