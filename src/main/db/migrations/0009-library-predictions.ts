import type { Migration } from '../migrate';

// A run's predictions for the whole library, not only its test split. Each row says which split of the run's
// snapshot the image was in (train rows are in-sample: the model saw them), NULL for an image outside the
// snapshot (no split or no label). An unlabeled image has no true class and so no loss: both become nullable,
// which SQLite can only do by rebuilding the table. Rows written before this were all test predictions.
export const m0009: Migration = {
  version: 9,
  name: 'library-predictions',
  up: `
    CREATE TABLE run_predictions_new (
      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      true_class_id INTEGER,
      predicted_class_id INTEGER NOT NULL,
      confidence REAL NOT NULL,
      loss REAL,
      probs TEXT NOT NULL,
      split TEXT CHECK (split IN ('train','val','test')),
      PRIMARY KEY (run_id, image_id)
    );
    INSERT INTO run_predictions_new (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs, split)
      SELECT run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs, 'test' FROM run_predictions;
    DROP TABLE run_predictions;
    ALTER TABLE run_predictions_new RENAME TO run_predictions;
    CREATE INDEX run_predictions_image ON run_predictions(image_id);
    CREATE INDEX run_predictions_confidence ON run_predictions(run_id, confidence);
    CREATE INDEX run_predictions_loss ON run_predictions(run_id, loss);
    CREATE INDEX run_predictions_cell ON run_predictions(run_id, true_class_id, predicted_class_id);
    CREATE INDEX run_predictions_split ON run_predictions(run_id, split);
  `,
};
