import type { Migration } from '../migrate';

// A run's own name and note (the id says only model and time), and the user's "default model" mark, which
// Predict and Browse start from: at most one run carries it (a partial unique index), deleting the run drops it.
// Review decisions get an order (`seq`) so the latest one can be undone, a batch accept sharing one number;
// decisions taken before this keep the order of their times.
export const m0010: Migration = {
  version: 10,
  name: 'run-names-review-order',
  up: `
    ALTER TABLE runs ADD COLUMN name TEXT;
    ALTER TABLE runs ADD COLUMN note TEXT;
    ALTER TABLE runs ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;
    CREATE UNIQUE INDEX runs_one_default ON runs(is_default) WHERE is_default = 1;
    ALTER TABLE suspect_reviews ADD COLUMN seq INTEGER;
    UPDATE suspect_reviews SET seq = (
      SELECT COUNT(*) FROM suspect_reviews r
       WHERE r.decided_at < suspect_reviews.decided_at
          OR (r.decided_at = suspect_reviews.decided_at AND r.image_id <= suspect_reviews.image_id)
    );
    CREATE INDEX suspect_reviews_seq ON suspect_reviews(seq);
  `,
};
