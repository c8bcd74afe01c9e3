import type { Migration } from '../migrate';

// Source files can change, vanish or be swapped for a link after import. Each image keeps what its source file
// looked like when last seen (mtime_ms, with `bytes`), so a check is one stat when nothing changed and a hash
// only when something did; NULL (rows from before this) means "hash on first check". source_state is the last
// verdict: 'missing' (gone, not a regular file, or refused) and 'changed' (other bytes than the sha256) keep the
// image out of training, export and evaluation until it is relinked, re-imported or removed.
// runs.excluded_missing: how many labeled images a run left out because their source was missing or changed.
export const m0007: Migration = {
  version: 7,
  name: 'source-state',
  up: `
    ALTER TABLE images ADD COLUMN mtime_ms REAL;
    ALTER TABLE images ADD COLUMN source_state TEXT NOT NULL DEFAULT 'ok' CHECK (source_state IN ('ok','missing','changed'));
    ALTER TABLE images ADD COLUMN source_checked_at TEXT;
    CREATE INDEX images_source_bad ON images(id) WHERE source_state <> 'ok';
    CREATE INDEX images_source_path ON images(source_path);
    ALTER TABLE runs ADD COLUMN excluded_missing INTEGER NOT NULL DEFAULT 0;
  `,
};
