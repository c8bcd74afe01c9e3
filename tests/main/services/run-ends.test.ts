// What a run that does not complete records, and how runs name their classes once one is renamed: a cancelled
// or failed run keeps its wall time (not only the phases its epochs saved), and classes are matched by id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRun, endAbandonedRun, getRun, runLifecycle } from '../../../src/main/services/runs';
import { compareRuns } from '../../../src/main/services/compare';
import { completeRun, saveEpoch, savePredictions } from '../../../src/main/repos/runs.repo';
import { resolveConfig } from '../../../src/main/engine/config';
import { testMetrics } from '../../../src/main/engine/metrics';
import { makeTrainLibrary } from '../../helpers/train-lib';

test('a cancelled or failed run records its wall time; one its worker left is timed from its creation', () => {
  const lib = makeTrainLibrary(1, { classes: 2 });
  try {
    const config = resolveConfig({ model: 'cnn', epochs: 1 });
    const life = runLifecycle(lib);
    const cancelled = createRun(lib, config);
    life.running(cancelled);
    saveEpoch(lib.db, cancelled, { epoch: 1, loss: 1, accuracy: 0.5, valLoss: null, valAccuracy: null, seconds: 18 }, { decode: 1.2 });
    life.ended(cancelled, 'cancelled', null, { decode: 1.2, total: 19.5 });
    assert.deepEqual(getRun(lib, cancelled).seconds, { decode: 1.2, total: 19.5 });
    const failed = createRun(lib, config);
    life.running(failed);
    life.ended(failed, 'failed', 'boom', { total: 3.25 });
    assert.deepEqual([getRun(lib, failed).status, getRun(lib, failed).seconds], ['failed', { total: 3.25 }]);
    // The worker died: the host ends it, timing it from the row's creation.
    const abandoned = createRun(lib, config);
    lib.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(new Date(Date.now() - 7000).toISOString(), abandoned);
    endAbandonedRun(lib, abandoned, 'failed', 'the worker exited');
    const total = getRun(lib, abandoned).seconds.total!;
    assert.ok(total >= 7 && total < 60, `timed ${total} s`);
  } finally {
    lib.close();
  }
});

test('a run names its class ids, and compare matches classes by id under their current names', () => {
  const lib = makeTrainLibrary(2, { classes: 2 }); // images 1-2 Arborio (class 1), 3-4 Basmati (class 2)
  try {
    const classes = JSON.stringify([{ id: 1, name: 'Arborio' }, { id: 2, name: 'Basmati' }]);
    for (const [id, pred] of [['run-a', [1, 1, 2, 2]], ['run-b', [1, 2, 2, 2]]] as const) {
      const runId = createRun(lib, resolveConfig({ model: 'cnn' }));
      lib.db.prepare('UPDATE runs SET id = ?, classes = ? WHERE id = ?').run(id, classes, runId);
      savePredictions(lib.db, id, [1, 1, 2, 2].map((t, i) => ({ imageId: i + 1, trueClassId: t, predictedClassId: pred[i]!, confidence: 0.9, loss: 0.1, probs: [0.5, 0.5] })));
      completeRun(lib.db, id, { params: 1, modelBytes: 1, seconds: {}, test: testMetrics(['Arborio', 'Basmati'], [0], [0]) });
    }
    // run-b was trained after Basmati was renamed; the library calls it something else again now.
    lib.db.prepare('UPDATE runs SET classes = ? WHERE id = ?').run(JSON.stringify([{ id: 1, name: 'Arborio' }, { id: 2, name: 'Basmati 2' }]), 'run-b');
    lib.db.prepare(`UPDATE classes SET name = 'Basmati rice' WHERE id = 2`).run();
    assert.deepEqual(getRun(lib, 'run-a').classIds, [1, 2]);
    const r = compareRuns(lib, 'run-a', 'run-b');
    assert.deepEqual(r.classes, ['Arborio', 'Basmati rice']);
    assert.deepEqual(r.table, [[3, 1], [0, 0]]);
    assert.equal(r.perClass['Basmati rice']!.b.recall, 1);
  } finally {
    lib.close();
  }
});
