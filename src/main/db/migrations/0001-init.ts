import type { Migration } from '../migrate';

// The library's first schema: images referenced in place, classes, the current label with its origin,
// an append-only label journal (undo/redo reads it), stored splits, and imports with their skipped files.
export const m0001: Migration = {
  version: 1,
  name: 'init',
  up: `
    CREATE TABLE classes (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      position INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL
    );
    CREATE TABLE imports (
      id INTEGER PRIMARY KEY,
      folder TEXT NOT NULL,
      started_at TEXT NOT NULL,
      finished_at TEXT,
      status TEXT NOT NULL CHECK (status IN ('running','completed','interrupted','failed')),
      total INTEGER NOT NULL DEFAULT 0,
      imported INTEGER NOT NULL DEFAULT 0,
      already_present INTEGER NOT NULL DEFAULT 0,
      conflicts INTEGER NOT NULL DEFAULT 0,
      skipped INTEGER NOT NULL DEFAULT 0,
      error TEXT
    );
    CREATE TABLE import_skips (
      id INTEGER PRIMARY KEY,
      import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
      path TEXT NOT NULL,
      reason TEXT NOT NULL
    );
    CREATE INDEX import_skips_import ON import_skips(import_id);
    CREATE TABLE images (
      id INTEGER PRIMARY KEY,
      sha256 TEXT NOT NULL UNIQUE,
      source_path TEXT NOT NULL,
      file_name TEXT NOT NULL,
      width INTEGER NOT NULL,
      height INTEGER NOT NULL,
      format TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      imported_at TEXT NOT NULL,
      import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
      conflict INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX images_file_name ON images(file_name);
    -- Every place the same bytes were seen (a conflict is one image under two class folders).
    CREATE TABLE image_sources (
      image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      path TEXT NOT NULL,
      class_name TEXT NOT NULL,
      import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
      PRIMARY KEY (image_id, path)
    );
    CREATE TABLE labels (
      image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
      class_id INTEGER NOT NULL REFERENCES classes(id),
      origin TEXT NOT NULL CHECK (origin IN ('folder','manual','suggestion')),
      updated_at TEXT NOT NULL
    );
    CREATE INDEX labels_class ON labels(class_id);
    CREATE TABLE label_journal (
      id INTEGER PRIMARY KEY,
      batch_id INTEGER NOT NULL,
      image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      old_class_id INTEGER REFERENCES classes(id),
      new_class_id INTEGER REFERENCES classes(id),
      origin TEXT NOT NULL CHECK (origin IN ('folder','manual','suggestion')),
      at TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('done','undone','discarded'))
    );
    CREATE INDEX label_journal_batch ON label_journal(batch_id);
    CREATE INDEX label_journal_image ON label_journal(image_id);
    CREATE TABLE splits (
      image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
      split TEXT NOT NULL CHECK (split IN ('train','val','test')),
      assigned_at TEXT NOT NULL
    );
    CREATE INDEX splits_split ON splits(split);
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );
  `,
};
