import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRuns } from '../../../src/main/services/compare';
import { mcnemarP } from '../../../src/main/engine/metrics';
import { savePredictions, completeRun, insertRun } from '../../../src/main/repos/runs.repo';
import { resolveConfig } from '../../../src/main/engine/config';
import { testMetrics } from '../../../src/main/engine/metrics';
import { makeTrainLibrary } from '../../helpers/train-lib';

test('compareRuns: agreement table, per-class metrics, McNemar and the right/wrong lists on shared images', () => {
  const lib = makeTrainLibrary(4, { classes: 2 }); // image ids 1..8: 1-4 Arborio (class 1), 5-8 Basmati (class 2)
  const classes = JSON.stringify([{ id: 1, name: 'Arborio' }, { id: 2, name: 'Basmati' }]);
  const truth = [1, 1, 1, 1, 2, 2, 2, 2];
  const predA = [1, 1, 1, 2, 2, 2, 2, 1]; // wrong on images 4 and 8
  const predB = [1, 2, 2, 1, 2, 2, 2, 2]; // wrong on images 2 and 3
  for (const [id, pred, only] of [['run-a', predA, 8], ['run-b', predB, 7]] as const) {
    insertRun(lib.db, { id, model: 'cnn', status: 'running', config: resolveConfig({ model: 'cnn' }), seed: 1, createdAt: new Date().toISOString() });
    lib.db.prepare('UPDATE runs SET classes = ? WHERE id = ?').run(classes, id);
    // run-b was not tested on image 8: only shared images count.
    savePredictions(lib.db, id, truth.slice(0, only).map((t, i) => ({
      imageId: i + 1, trueClassId: t, predictedClassId: pred[i]!, confidence: 0.9, loss: 0.1, probs: pred[i] === 1 ? [0.9, 0.1] : [0.1, 0.9],
    })));
    completeRun(lib.db, id, { params: 1, modelBytes: 1, seconds: {}, test: testMetrics(['Arborio', 'Basmati'], [0], [0]) });
  }
  const r = compareRuns(lib, 'run-a', 'run-b');
  assert.equal(r.n, 7);
  assert.deepEqual(r.classes, ['Arborio', 'Basmati']);
  // images 1..7: A wrong on 4; B wrong on 2, 3.
  assert.deepEqual(r.table, [[4, 2], [1, 0]]);
  assert.deepEqual(r.aRightBWrong, [2, 3]);
  assert.deepEqual(r.bRightAWrong, [4]);
  assert.equal(r.accuracyA, 6 / 7);
  assert.equal(r.accuracyB, 5 / 7);
  assert.equal(r.mcnemarP, mcnemarP(2, 1));
  assert.equal(r.mcnemarP, 1);
  assert.equal(r.perClass.Arborio!.a.recall, 3 / 4);
  assert.equal(r.perClass.Arborio!.b.recall, 2 / 4);
  assert.equal(r.perClass.Basmati!.b.precision, 3 / 5); // B says Basmati for 2, 3, 5, 6, 7
  assert.throws(() => compareRuns(lib, 'run-a', 'nope'), /no run "nope"/);
  lib.close();
});
