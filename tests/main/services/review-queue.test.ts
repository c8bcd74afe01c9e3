// The review queue (#14): least certain first, spread out with k-center greedy over cached features (or the
// probabilities), from one run's suggestions of still-unlabeled images.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTrainLibrary } from '../../helpers/train-lib';
import { storeFeatures } from '../../../src/main/repos/features.repo';
import { saveSuggestions } from '../../../src/main/repos/suggestions.repo';
import { kCenterGreedy, nextForReview } from '../../../src/main/services/unlabeled/review-queue';

test('k-center greedy starts at the first point and then takes the farthest each time', () => {
  // Points on a line: 0, 0.1, 0.2, 5, 5.1, 10.
  const xs = [0, 0.1, 0.2, 5, 5.1, 10];
  const picked = kCenterGreedy(xs.length, 3, (i, j) => Math.abs(xs[i]! - xs[j]!));
  assert.deepEqual(picked, [0, 5, 3]);
  assert.deepEqual(kCenterGreedy(2, 5, () => 1), [0, 1], 'never more than there are');
  assert.deepEqual(kCenterGreedy(0, 3, () => 1), []);
});

test('next: most uncertain first, a cluster of look-alikes gives one pick, bad input gets a clear error', () => {
  const lib = makeTrainLibrary(4, { classes: 2 });
  const classes = lib.db.prepare(`SELECT id, name FROM classes ORDER BY position`).all() as Array<{ id: number; name: string }>;
  lib.db.prepare(`INSERT INTO runs (id, model, status, config, seed, created_at, classes) VALUES ('r1', 'cnn', 'completed', '{}', 1, '2024-01-01', ?)`)
    .run(JSON.stringify(classes));
  assert.throws(() => nextForReview(lib, 'r1', 3), /no unlabeled images in this library/);
  // Eight images made unlabeled; four near-identical hard ones (one cluster), four spread-out easier ones.
  const imgs = lib.db.prepare(`SELECT id, sha256 FROM images ORDER BY id`).all() as Array<{ id: number; sha256: string }>;
  lib.db.prepare(`DELETE FROM labels`).run();
  assert.throws(() => nextForReview(lib, 'r1', 3), /has not pre-labeled the unlabeled images: run `paddy prelabel --run r1` first/);
  const margins = [0.01, 0.02, 0.03, 0.04, 0.3, 0.4, 0.5, 0.6];
  saveSuggestions(lib.db, imgs.map((im, i) => {
    const top = (1 + margins[i]!) / 2;
    return { imageId: im.id, runId: 'r1', classId: classes[i % 2]!.id, confidence: top, margin: margins[i]!, entropy: 0.5, probs: i % 2 ? [1 - top, top] : [top, 1 - top], calibrated: false };
  }), '2024-01-02');
  const full = nextForReview(lib, 'r1', 8);
  assert.equal(full.diversity, 'none');
  assert.deepEqual(full.images.map((x) => x.imageId), imgs.map((im) => im.id), 'by margin, smallest first');
  assert.ok(Math.abs(full.images[0]!.score - 0.99) < 1e-9);
  assert.equal(full.images[0]!.suggested, classes[0]!.name);

  // Features: the four hardest are copies of one point; the rest far apart.
  const dims = 16;
  const vec = (i: number): Float32Array => Float32Array.from({ length: dims }, (_, d) => (i < 4 ? (d === 0 ? 1 : 0) + i * 1e-4 : d === i ? 1 : 0));
  storeFeatures(lib.db, 'mnv2-100-test', imgs.map((im, i) => ({ sha256: im.sha256, vec: vec(i) })));
  const q = nextForReview(lib, 'r1', 2);
  assert.equal(q.diversity, 'features');
  assert.equal(q.pool, 8);
  assert.equal(q.images.length, 2);
  assert.equal(q.images[0]!.imageId, imgs[0]!.id, 'the most uncertain one first');
  assert.ok(q.images[1]!.imageId !== imgs[1]!.id && q.images[1]!.imageId !== imgs[2]!.id, 'not a second copy of the same hard case');
  // Without features: spread over the probabilities instead.
  lib.db.prepare(`DELETE FROM feature_cache`).run();
  assert.equal(nextForReview(lib, 'r1', 2).diversity, 'probabilities');
  assert.throws(() => nextForReview(lib, 'nope', 2), /no run "nope"/);
  lib.close();
});
