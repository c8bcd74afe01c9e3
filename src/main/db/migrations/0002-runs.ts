import type { Migration } from '../migrate';

// Training runs and what they keep: config, snapshot of the images/labels/splits they trained on, per-epoch
// metrics, test metrics, per-image test predictions, and the cache of frozen-base features.
export const m0002: Migration = {
  version: 2,
  name: 'runs',
  up: `
    CREATE TABLE runs (
      id TEXT PRIMARY KEY,
      model TEXT NOT NULL CHECK (model IN ('cnn','mobilenetv2')),
      status TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled')),
      config TEXT NOT NULL,
      seed INTEGER NOT NULL,
      backend TEXT,
      created_at TEXT NOT NULL,
      finished_at TEXT,
      snapshot_hash TEXT,
      image_count INTEGER NOT NULL DEFAULT 0,
      classes TEXT NOT NULL DEFAULT '[]',
      params INTEGER,
      model_bytes INTEGER,
      seconds TEXT NOT NULL DEFAULT '{}',
      test_metrics TEXT,
      test_accuracy REAL,
      macro_f1 REAL,
      error TEXT
    );
    CREATE TABLE run_images (
      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      class_id INTEGER NOT NULL,
      split TEXT NOT NULL CHECK (split IN ('train','val','test')),
      PRIMARY KEY (run_id, image_id)
    );
    CREATE TABLE run_epochs (
      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      epoch INTEGER NOT NULL,
      loss REAL NOT NULL,
      accuracy REAL NOT NULL,
      val_loss REAL,
      val_accuracy REAL,
      seconds REAL NOT NULL,
      PRIMARY KEY (run_id, epoch)
    );
    CREATE TABLE run_predictions (
      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      true_class_id INTEGER NOT NULL,
      predicted_class_id INTEGER NOT NULL,
      confidence REAL NOT NULL,
      loss REAL NOT NULL,
      probs TEXT NOT NULL,
      PRIMARY KEY (run_id, image_id)
    );
    CREATE INDEX run_predictions_image ON run_predictions(image_id);
    CREATE TABLE feature_cache (
      extractor TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      dims INTEGER NOT NULL,
      vec BLOB NOT NULL,
      PRIMARY KEY (extractor, sha256)
    );
  `,
};
