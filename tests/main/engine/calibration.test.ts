// Calibration math against values computed by hand (the comments show the arithmetic).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyTemperature, brier, calibrate, calibrationScores, downsample, eceOf, fitTemperature, nll, perClassCurves, prCurve, reliabilityBins,
  unsureThreshold,
} from '../../../src/main/engine/calibration';

const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} ≠ ${b}`);

test('calibrate: p_T ∝ p^(1/T), rows renormalised; T = 1 changes nothing; a bad T is refused', () => {
  // √0.8 / √0.2 = 2, so T = 2 turns 0.8 / 0.2 into 2/3 / 1/3.
  const a = calibrate([0.8, 0.2], 2);
  close(a[0]!, 2 / 3);
  close(a[1]!, 1 / 3);
  // T = 0.5 squares: 0.36, 0.09, 0.01 over 0.46.
  const b = calibrate([0.6, 0.3, 0.1], 0.5);
  close(b[0]!, 0.36 / 0.46);
  close(b[1]!, 0.09 / 0.46);
  close(b[2]!, 0.01 / 0.46);
  const c = calibrate([0.7, 0.2, 0.1], 1);
  [0.7, 0.2, 0.1].forEach((v, j) => close(c[j]!, v));
  // An exact zero stays (nearly) zero instead of turning the row into NaN.
  const z = calibrate([1, 0], 3);
  close(z[0]!, 1);
  assert.ok(Number.isFinite(z[1]!));
  assert.throws(() => calibrate([0.5, 0.5], 0), /temperature must be a positive number/);
  const m = applyTemperature([0.8, 0.2, 0.2, 0.8], 2, 2);
  close(m[0]!, 2 / 3);
  close(m[3]!, 2 / 3);
});

test('nll and Brier of two rows', () => {
  const p = [0.8, 0.2, 0.4, 0.6];
  // −(ln 0.8 + ln 0.4) / 2
  close(nll(p, [0, 0], 2), (-Math.log(0.8) - Math.log(0.4)) / 2);
  // row 1: 0.2² + 0.2² = 0.08; row 2: 0.6² + 0.6² = 0.72; mean 0.4
  close(brier(p, [0, 0], 2), 0.4);
  assert.throws(() => nll([0.5, 0.5], [0, 1], 2), /expected 2×2 = 4 probabilities, got 2/);
  assert.throws(() => brier([0.5, 0.5], [2], 2), /out of range at row 0/);
});

test('reliability bins and ECE', () => {
  // confidences 0.95 (right, bin 9), 0.85 (wrong, bin 8), 0.55 (right, bin 5), 0.7 (class 1, right, bin 7)
  const p = [0.95, 0.05, 0.85, 0.15, 0.55, 0.45, 0.3, 0.7];
  const y = [0, 1, 0, 1];
  const bins = reliabilityBins(p, y, 2);
  assert.equal(bins.length, 10);
  assert.deepEqual(bins.map((b) => b.count), [0, 0, 0, 0, 0, 1, 0, 1, 1, 1]);
  close(bins[8]!.confidence, 0.85);
  assert.equal(bins[8]!.accuracy, 0);
  assert.equal(bins[9]!.accuracy, 1);
  close(bins[7]!.lo, 0.7);
  // (|1 − 0.95| + |0 − 0.85| + |1 − 0.55| + |1 − 0.7|) / 4 = 1.65 / 4
  close(eceOf(bins), 0.4125);
  const s = calibrationScores(p, y, 2);
  assert.equal(s.n, 4);
  assert.equal(s.accuracy, 0.75);
  close(s.ece, 0.4125);
  // Confidence exactly 1 falls in the last bin.
  assert.equal(reliabilityBins([1, 0], [0], 2)[9]!.count, 1);
  assert.equal(calibrationScores([], [], 3).ece, 0);
});

test('fitTemperature: the closed form for one repeated row, and 1 with no rows', () => {
  // 10 rows of [0.99, 0.01], 9 labelled 0: NLL is least where p_T(0) = 0.9, i.e. 99^(1/T) = 9, T = ln 99 / ln 9.
  const p: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 10; i++) {
    p.push(0.99, 0.01);
    y.push(i < 9 ? 0 : 1);
  }
  const t = fitTemperature(p, y, 2);
  close(t, Math.log(99) / Math.log(9), 1e-4);
  close(calibrate([0.99, 0.01], t)[0]!, 0.9, 1e-5);
  // Scaling lowers the NLL and brings the confidence to the accuracy.
  const after = applyTemperature(p, 2, t);
  assert.ok(nll(after, y, 2) < nll(p, y, 2));
  assert.ok(calibrationScores(after, y, 2).ece < 1e-4);
  assert.equal(fitTemperature([], [], 2), 1);
});

test('prCurve and AP, with ties entering together', () => {
  // scores 0.9 + , 0.8 − , 0.7 + , 0.6 −: points (R, P) = (½, 1), (½, ½), (1, ⅔), (1, ½); AP = ½·1 + ½·⅔
  const { curve, ap } = prCurve([0.9, 0.8, 0.7, 0.6], [true, false, true, false]);
  assert.deepEqual(curve.map((c) => [c.recall, c.precision, c.threshold]), [[0.5, 1, 0.9], [0.5, 0.5, 0.8], [1, 2 / 3, 0.7], [1, 0.5, 0.6]]);
  close(ap, 0.5 + (0.5 * 2) / 3);
  // 0.9 + and 0.9 − tie: one point (½, ½), then (1, ⅔): AP = ½·½ + ½·⅔
  const tied = prCurve([0.9, 0.9, 0.5], [true, false, true]);
  assert.equal(tied.curve.length, 2);
  close(tied.ap, 0.25 + 1 / 3);
  assert.deepEqual(prCurve([0.3], [false]), { curve: [], ap: 0 });
});

test('downsample keeps the ends and at most 100 points', () => {
  const pts = Array.from({ length: 250 }, (_, i) => i);
  const d = downsample(pts);
  assert.equal(d.length, 100);
  assert.equal(d[0], 0);
  assert.equal(d[99], 249);
  assert.deepEqual(downsample([1, 2, 3]), [1, 2, 3]);
});

test('perClassCurves: the table from top-class answers, AP from each class probability', () => {
  // rows (a, b): truth a a b b; top answers a b b b
  const p = [0.9, 0.1, 0.4, 0.6, 0.2, 0.8, 0.3, 0.7];
  const rows = perClassCurves(['a', 'b'], p, [0, 0, 1, 1]);
  const [a, b] = rows;
  assert.equal(a!.support, 2);
  assert.equal(a!.precision, 1);
  assert.equal(a!.recall, 0.5);
  close(a!.f1, 2 / 3);
  assert.equal(b!.precision, 2 / 3);
  assert.equal(b!.recall, 1);
  // class a scores 0.9 +, 0.4 +, 0.3 −, 0.2 −: both positives first, AP 1
  close(a!.ap, 1);
  // class b scores 0.8 +, 0.7 +, 0.6 −, 0.1 −: AP 1 too; the curve ends at recall 1
  close(b!.ap, 1);
  assert.equal(b!.curve.at(-1)!.recall, 1);
});

test('unsureThreshold: the lowest confidence above which answers are right often enough', () => {
  // confidences 0.99 ✓, 0.95 ✓, 0.9 ✗, 0.8 ✓ → running accuracy 1, 1, ⅔, ¾
  const p = [0.99, 0.01, 0.05, 0.95, 0.9, 0.1, 0.2, 0.8];
  const y = [0, 1, 1, 1];
  close(unsureThreshold(p, y, 2), 0.95);
  close(unsureThreshold(p, y, 2, 0.7), 0.8);
  // The most confident answer is wrong: nothing reaches 99%, so the line is the top confidence.
  close(unsureThreshold([0.9, 0.1, 0.6, 0.4], [1, 0], 2), 0.9);
  assert.equal(unsureThreshold([], [], 2), 0.5);
});
