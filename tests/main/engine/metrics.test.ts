import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mcnemarP, testMetrics } from '../../../src/main/engine/metrics';

test('testMetrics: accuracy, confusion, per-class precision/recall/F1 and macro-F1', () => {
  // truth: a a a b b c ; pred: a a b b c c
  const m = testMetrics(['a', 'b', 'c'], [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2]);
  assert.equal(m.n, 6);
  assert.equal(m.accuracy, 4 / 6);
  assert.deepEqual(m.confusion, [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
  assert.deepEqual(m.perClass.a, { precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
  assert.equal(m.perClass.b!.precision, 0.5);
  assert.equal(m.perClass.b!.recall, 0.5);
  assert.equal(m.perClass.c!.precision, 0.5);
  assert.equal(m.perClass.c!.recall, 1);
  const f1c = (2 * 0.5 * 1) / 1.5;
  assert.ok(Math.abs(m.macroF1 - (0.8 + 0.5 + f1c) / 3) < 1e-12);
  assert.throws(() => testMetrics(['a'], [0, 1], [0, 0]), /out of range at row 1/);
});

test('mcnemarP matches known values (exact binomial and continuity-corrected chi-square)', () => {
  assert.equal(mcnemarP(0, 0), 1);
  // exact: b=1, c=9 → 2 * P(X<=1 | n=10, 0.5) = 2 * 11/1024
  assert.ok(Math.abs(mcnemarP(1, 9) - 22 / 1024) < 1e-12);
  assert.ok(Math.abs(mcnemarP(9, 1) - 22 / 1024) < 1e-12);
  assert.equal(mcnemarP(5, 5), 1);
  // scipy: chi2.sf((|25-10|-1)^2/35, 1) = chi2.sf(5.6, 1) = 0.017960...
  assert.ok(Math.abs(mcnemarP(25, 10) - 0.01796) < 1e-4, String(mcnemarP(25, 10)));
  // statsmodels mcnemar([[..,59],[6,..]], exact=False, correction=True) → chi2 = 41.6, p = 1.12e-10
  assert.ok(Math.abs(Math.log10(mcnemarP(59, 6)) - Math.log10(1.1196e-10)) < 0.01, String(mcnemarP(59, 6)));
  assert.ok(Math.abs(mcnemarP(3, 4, 'exact') - 1) < 1e-12);
});
