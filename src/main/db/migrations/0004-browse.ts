import type { Migration } from '../migrate';

// Browsing and class merges.
// - classes.hidden: a merged-away class keeps its row, because the merge is an undoable label batch whose
//   journal rows (and the labels undo brings back) point at it. class_merges ties that batch to the classes so
//   undo shows the class again and redo hides it again.
// - Indexes for the grid's sorts and filters on libraries of 75,000+ images, and for finding the newest
//   undoable journal batch without scanning the import's rows.
export const m0004: Migration = {
  version: 4,
  name: 'browse',
  up: `
    ALTER TABLE classes ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
    CREATE TABLE class_merges (
      batch_id INTEGER PRIMARY KEY,
      from_id INTEGER NOT NULL REFERENCES classes(id),
      into_id INTEGER NOT NULL REFERENCES classes(id),
      at TEXT NOT NULL
    );
    CREATE INDEX images_imported_at ON images(imported_at);
    CREATE INDEX images_conflict ON images(id) WHERE conflict = 1;
    CREATE INDEX label_journal_undo ON label_journal(state, origin, batch_id);
    CREATE INDEX run_predictions_confidence ON run_predictions(run_id, confidence);
    CREATE INDEX run_predictions_loss ON run_predictions(run_id, loss);
    CREATE INDEX run_predictions_cell ON run_predictions(run_id, true_class_id, predicted_class_id);
  `,
};
