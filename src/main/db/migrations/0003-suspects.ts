import type { Migration } from '../migrate';

// Label review: the latest scan's ranked suspects and the user's decisions on them.
// Suspects are replaced wholesale by each scan (one transaction), so a kill mid-scan leaves the previous scan.
// Reviews outlive scans: an image stays out of the queue while its label is still the one recorded after the
// decision (label_after); if the label changes later (undo, another relabel) the image may be suspected again.
export const m0003: Migration = {
  version: 3,
  name: 'suspects',
  up: `
    CREATE TABLE suspect_scans (
      id INTEGER PRIMARY KEY,
      started_at TEXT NOT NULL,
      finished_at TEXT NOT NULL,
      folds INTEGER NOT NULL,
      extractor TEXT NOT NULL,
      scanned INTEGER NOT NULL,
      seconds REAL NOT NULL,
      classes TEXT NOT NULL
    );
    CREATE TABLE suspects (
      scan_id INTEGER NOT NULL REFERENCES suspect_scans(id) ON DELETE CASCADE,
      image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('label','near-duplicate')),
      rank INTEGER NOT NULL,
      label_class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
      suggested_class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
      score REAL NOT NULL,
      probs TEXT NOT NULL,
      partner_image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
      similarity REAL,
      PRIMARY KEY (scan_id, image_id)
    );
    CREATE INDEX suspects_rank ON suspects(scan_id, rank);
    CREATE TABLE suspect_reviews (
      image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
      decision TEXT NOT NULL CHECK (decision IN ('keep','accept','relabel')),
      -- class ids without a foreign key: a merged-away class must not block the merge; a stale id simply
      -- no longer matches the current label, so the image can return to the queue.
      label_before INTEGER,
      label_after INTEGER,
      batch_id INTEGER,
      decided_at TEXT NOT NULL
    );
  `,
};
