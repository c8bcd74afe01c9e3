import type { Migration } from '../migrate';

// Pre-labels for unlabeled images (issue #14). One current suggestion per image, from the run that last
// pre-labeled it: the class, the confidence shown and thresholded (calibrated when the run has a temperature,
// else the softmax; `calibrated` says which), the margin and entropy the review queue ranks by, and the
// probabilities. A suggestion is not a label: accepting one writes a label with origin 'suggestion' through the
// label journal (undoable), and the row stays as the record of what was suggested. Deleting the run, the image or
// the class drops it. An unlabeled source keeps class_name '' in image_sources (class names are never empty).
export const m0012: Migration = {
  version: 12,
  name: 'unlabeled',
  up: `
    CREATE TABLE suggestions (
      image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
      confidence REAL NOT NULL,
      margin REAL NOT NULL,
      entropy REAL NOT NULL,
      probs TEXT NOT NULL,
      calibrated INTEGER NOT NULL DEFAULT 0 CHECK (calibrated IN (0, 1)),
      created_at TEXT NOT NULL
    );
    CREATE INDEX suggestions_run ON suggestions(run_id);
    CREATE INDEX suggestions_class ON suggestions(class_id, confidence);
    CREATE INDEX suggestions_confidence ON suggestions(confidence);
  `,
};
