// Runs intents against the real handlers and a real SQLite library: naming a run and writing its note persist
// (a reload shows them), marking the default moves the mark and Predict starts from it; the confusion toggle
// and the chart helpers say what their axes and cells show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { provideApi } from '../../../../src/renderer/src/app/api';
import { markDefault, renameRun, setConfusionMode, setRunNote } from '../../../../src/renderer/src/features/runs/runs.actions';
import { defaultRunId, loadRuns, useRuns } from '../../../../src/renderer/src/features/runs/runs.store';
import { chosenRunId, finishedRuns } from '../../../../src/renderer/src/features/predict/predict.store';
import { axisRangeText, cellText, scoreDomain } from '../../../../src/renderer/src/charts/scale';
import { fixtureContext, fixtureLibrary, insertRun } from '../../../helpers/fixture-library';
import { dispatchApi } from '../../../helpers/studio-api';

const realApi = (ctx: ReturnType<typeof fixtureContext>): void => provideApi(dispatchApi(ctx));

test('rename, note and default mark persist; Predict starts from the default, not the newest', async () => {
  const fx = fixtureLibrary({ perClass: 1 });
  realApi(fixtureContext(fx.lib));
  insertRun(fx.lib.db, 'run-best', ['Arborio'], [], { createdAt: '2026-01-01T00:00:00Z' });
  insertRun(fx.lib.db, 'run-newest', ['Arborio'], [], { createdAt: '2026-01-02T00:00:00Z' });
  fx.lib.db.prepare(`INSERT INTO run_epochs (run_id, epoch, loss, accuracy, val_loss, val_accuracy, seconds) VALUES ('run-best', 1, 1, 0.5, 1, 0.9, 1), ('run-newest', 1, 1, 0.5, 1, 0.7, 1)`).run();
  await loadRuns();
  const runs = () => useRuns.getState().runs!;
  assert.equal(defaultRunId(runs()), 'run-best');
  assert.equal(chosenRunId('', finishedRuns(runs())), 'run-best', 'best val accuracy, though older');

  await renameRun('run-newest', '  quick try ');
  await setRunNote('run-newest', 'augment on');
  assert.deepEqual([runs()[0]!.name, runs()[0]!.note], ['quick try', 'augment on']);
  useRuns.setState({ runs: null });
  await loadRuns();
  assert.deepEqual([runs()[0]!.name, runs()[0]!.note], ['quick try', 'augment on'], 'after a reload');

  await markDefault('run-newest');
  assert.equal(defaultRunId(runs()), 'run-newest');
  assert.equal(chosenRunId('', finishedRuns(runs())), 'run-newest');
  assert.equal(chosenRunId('run-best', finishedRuns(runs())), 'run-best', 'a pick still wins');
  await markDefault(null);
  assert.equal(defaultRunId(runs()), 'run-best');
  fx.lib.close();
});

test('confusion cells as shares or counts; score axes start below the smallest value; line axes say their range', () => {
  setConfusionMode('absolute');
  assert.equal(useRuns.getState().cmMode, 'absolute');
  setConfusionMode('normalised');
  assert.equal(useRuns.getState().cmMode, 'normalised');
  assert.equal(cellText(7, 8, 'absolute'), '7');
  assert.equal(cellText(7, 8, 'normalised'), '88%');
  assert.equal(cellText(1, 300, 'normalised'), '<1%');
  assert.equal(cellText(0, 0, 'normalised'), '—');
  assert.deepEqual(scoreDomain([0.96, 0.99, 1]), [0.9, 1]);
  assert.deepEqual(scoreDomain([0.91, 0.99]), [0.8, 1]);
  assert.deepEqual(scoreDomain([0.01, 0.5]), [0, 1]);
  assert.deepEqual(scoreDomain([]), [0, 1]);
  assert.equal(axisRangeText(0.62, 1, true, 2), 'y axis 62% to 100% (not from 0)');
  assert.equal(axisRangeText(0, 1.4, false, 1), 'y axis 0.0 to 1.4');
});
