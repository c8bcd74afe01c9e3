// Browse with a run that predicted the whole library: the split filter means the run's snapshot split (train =
// in-sample), each tile carries that split, and "sort by loss" descending puts the worst first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryImages } from '../../../src/main/services/browse';
import { fixtureLibrary, insertRun } from '../../helpers/fixture-library';

test('with a run: filters work on any split, the tile says the run\'s split, loss sorts worst first', () => {
  const fx = fixtureLibrary({ perClass: 6 });
  const db = fx.lib.db;
  const rows = db.prepare(`SELECT i.id, l.class_id AS c, s.split FROM images i JOIN labels l ON l.image_id = i.id JOIN splits s ON s.image_id = i.id ORDER BY i.id`).all() as Array<{ id: number; c: number; split: string }>;
  const classes = Object.values(fx.classIds);
  insertRun(db, 'run-w', Object.keys(fx.classIds), rows.map((r, i) => {
    const wrong = i % 3 === 0;
    const pred = wrong ? classes.find((c) => c !== r.c)! : r.c;
    return { imageId: r.id, trueClassId: r.c, predictedClassId: pred, confidence: 0.5 + (i % 7) / 20, loss: (i % 11) / 3, probs: classes.map(() => 1 / classes.length) };
  }));
  const q = (filter: Parameters<typeof queryImages>[1]['filter'], sort: 'loss' | 'name' = 'name', desc = false) =>
    queryImages(db, { filter, sort, desc, offset: 0, limit: 1000 });
  const all = q({ runId: 'run-w' });
  assert.equal(all.total, rows.length, 'every image of the library, not only test');
  for (const split of ['train', 'val', 'test'] as const) {
    const wrong = q({ runId: 'run-w', correctness: 'wrong', splits: [split] });
    const expected = rows.filter((r, i) => i % 3 === 0 && r.split === split).length;
    assert.equal(wrong.total, expected, `wrong on ${split}`);
    assert.ok(wrong.items.every((it) => it.predictionSplit === split && it.predictedClassId !== it.classId));
  }
  const byLoss = q({ runId: 'run-w' }, 'loss', true).items.map((it) => it.loss!);
  assert.deepEqual(byLoss, [...byLoss].sort((a, b) => b - a), 'loss descending: worst first');
  assert.ok(byLoss[0]! > byLoss.at(-1)!);
  fx.lib.close();
});
