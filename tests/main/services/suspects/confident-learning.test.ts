import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibrateConfidentJoint,
  computeConfidentJoint,
  findLabelIssues,
  labelQuality,
  perClassThresholds,
  rankLabelIssues,
  roundPreservingSum,
} from '../../../../src/main/services/suspects/confident-learning';

// A 10-example, 3-class case worked by hand with cleanlab's documented algorithm (comments give each step).
const LABELS = [0, 0, 0, 1, 1, 1, 2, 2, 2, 1];
const PROBS = [
  [0.9, 0.05, 0.05],
  [0.8, 0.1, 0.1],
  [0.1, 0.85, 0.05], // labeled 0, looks like 1
  [0.1, 0.8, 0.1],
  [0.05, 0.9, 0.05],
  [0.2, 0.7, 0.1], // p1 = t1 exactly: still confident (cleanlab's -1e-6 slack)
  [0.1, 0.1, 0.8],
  [0.05, 0.05, 0.9],
  [0.7, 0.1, 0.2], // labeled 2, looks like 0
  [0.3, 0.4, 0.3], // passes no threshold: left out of the joint
].flat();

test('thresholds are the mean self-probability per given class', () => {
  const t = perClassThresholds(LABELS, PROBS, 3);
  // t0 = (.9+.8+.1)/3, t1 = (.8+.9+.7+.4)/4, t2 = (.8+.9+.2)/3
  assert.deepEqual(t.map((x) => +x.toFixed(6)), [0.6, 0.7, 0.633333]);
});

test('confident joint by hand: raw [[2,1,0],[0,3,0],[1,0,2]], calibrated rows to label counts [3,4,3]', () => {
  const raw = computeConfidentJoint(LABELS, PROBS, 3, { calibrate: false });
  assert.deepEqual(raw.joint, [
    [2, 1, 0],
    [0, 3, 0],
    [1, 0, 2],
  ]);
  assert.deepEqual([...raw.trueGuess], [0, 0, 1, 1, 1, 1, 2, 2, 0, -1]);
  const cal = computeConfidentJoint(LABELS, PROBS, 3);
  assert.deepEqual(cal.joint, [
    [2, 1, 0],
    [0, 4, 0],
    [1, 0, 2],
  ]);
});

test('label issues and ranking match the hand derivation for every filter', () => {
  // prune_by_noise_rate: P[1][0] = 1 → the one labeled-0 example with the largest p1 − p0 (row 2);
  // P[0][2] = 1 → the labeled-2 example with the largest p0 − p2 (row 8). prune_by_class removes the
  // lowest self-probability per class, the same rows here; 'both' is their intersection.
  for (const filterBy of ['prune_by_noise_rate', 'prune_by_class', 'both', 'confident_learning'] as const) {
    const mask = findLabelIssues(LABELS, PROBS, 3, { filterBy });
    assert.deepEqual([...mask].flatMap((m, i) => (m ? [i] : [])), [2, 8], filterBy);
  }
  const ranked = rankLabelIssues(LABELS, PROBS, 3);
  assert.deepEqual(
    ranked.map((r) => [r.index, r.given, r.suggested, +r.score.toFixed(4)]),
    [
      [2, 0, 1, 0.9], // self-confidence 0.1
      [8, 2, 0, 0.8], // self-confidence 0.2
    ],
  );
  const byMargin = rankLabelIssues(LABELS, PROBS, 3, { rankBy: 'normalized_margin' });
  // normalized margin (p_given − max other + 1) / 2: row 2 → .125, row 8 → .25
  assert.deepEqual(byMargin.map((r) => [r.index, +r.score.toFixed(4)]), [
    [2, 0.875],
    [8, 0.75],
  ]);
});

test('self-confidence and normalized margin can disagree, as documented', () => {
  const labels = [0, 0];
  const probs = [0.2, 0.75, 0.05, 0.15, 0.45, 0.4];
  const sc = labelQuality(labels, probs, 3, 'self_confidence');
  const nm = labelQuality(labels, probs, 3, 'normalized_margin');
  assert.ok(sc[1] < sc[0]); // .15 < .2: row 1 is worse by self-confidence
  assert.ok(nm[0] < nm[1]); // .225 < .35: row 0 is worse by margin
});

test('rounding keeps row totals and calibration sums to n', () => {
  assert.deepEqual(roundPreservingSum([1.4, 1.4, 1.2]), [2, 1, 1]);
  assert.deepEqual(roundPreservingSum([0.6, 0.6, 0.8]), [0, 1, 1]);
  assert.deepEqual(roundPreservingSum([2.5, 0.5, 1]), [3, 0, 1]); // halves to even (2, 0, 1), then the first of the tied .5 remainders goes up
  const cal = calibrateConfidentJoint([[5, 1, 0], [2, 7, 1], [0, 0, 3]], [10, 12, 8]);
  assert.deepEqual(cal.map((r) => r.reduce((a, b) => a + b, 0)), [10, 12, 8]);
});

test('a class with a single example is never pruned, and the argmax-equals-label rule holds', () => {
  const labels = [0, 0, 0, 1];
  const probs = [0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.9, 0.1]; // the lone class-1 example looks like class 0
  assert.deepEqual([...findLabelIssues(labels, probs, 2)], [0, 0, 0, 0]);
  assert.throws(() => findLabelIssues([0, 3], [0.5, 0.5, 0.5, 0.5], 2), /row 1 is 3/);
  assert.throws(() => findLabelIssues([0, 1], [0.5, 0.5, 0.5], 2), /expected 2×2/);
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test('synthetic noisy labels: the top-N ranking finds ≥ 90% of flipped labels', () => {
  const r = rng(7);
  const n = 2000;
  const k = 4;
  const labels: number[] = [];
  const probs: number[] = [];
  const flipped = new Set<number>();
  for (let i = 0; i < n; i++) {
    const truth = i % k;
    // a imperfect model: mostly confident in the truth, sometimes confused with a neighbour class
    const logits = Array.from({ length: k }, (_, j) => (j === truth ? 3 : 0) + 1.2 * (r() * 2 - 1));
    const e = logits.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    probs.push(...e.map((v) => v / s));
    let y = truth;
    if (r() < 0.08) {
      y = (truth + 1 + Math.floor(r() * (k - 1))) % k;
      flipped.add(i);
    }
    labels.push(y);
  }
  const ranked = rankLabelIssues(labels, probs, k);
  const top = ranked.slice(0, flipped.size);
  const hits = top.filter((x) => flipped.has(x.index)).length;
  assert.ok(hits / flipped.size >= 0.9, `recall@N ${hits}/${flipped.size}`);
  for (const x of top) if (flipped.has(x.index)) assert.equal(x.suggested, x.index % k);
});
