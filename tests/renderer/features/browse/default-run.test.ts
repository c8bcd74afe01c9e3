// Browse uses the default model (#11): its predictions decorate the tiles unless a run (or none) was picked, in
// the picker, by the address or by an image set that came with a run; a picked run that is gone falls back to
// the default; the address leaves the default out (a reload follows the default as it is then). Pure store code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHash, toHash } from '../../../../src/renderer/src/app/url-state';
import { clearImageSet, replaceFilter, setDefaultRun, setFilter, useBrowse } from '../../../../src/renderer/src/features/browse/browse.store';
import { isScored, splitNote } from '../../../../src/renderer/src/features/browse/tile-text';
import { restoreFromHash } from '../../../../src/renderer/src/app/url-state';

const state = () => useBrowse.getState();
const hash = () => {
  const s = state();
  const runChoice = s.runPicked ? (s.filter.runId ? undefined : 'none') : s.filter.runId ? 'default' : undefined;
  return toHash({ view: 'browse', filter: s.filter, sort: s.sort, desc: s.desc, ...(runChoice ? { runChoice } : {}) });
};

test('the default model is preselected, followed while nothing is picked, and a pick (even none) sticks', () => {
  replaceFilter({ classIds: [3] });
  assert.deepEqual(state().filter, { classIds: [3] }, 'no runs known yet: no predictions');
  setDefaultRun('run-best', ['run-best', 'run-new']);
  assert.deepEqual(state().filter, { classIds: [3], runId: 'run-best' }, 'the default model, without hiding anything else');
  assert.equal(hash(), '#/browse?class=3', 'the default is not written to the address');
  setFilter({ correctness: 'wrong' });
  assert.equal(hash(), '#/browse?class=3&run=run-best&correct=wrong', 'a filter on its predictions names the run');
  setFilter({ correctness: undefined });
  setDefaultRun('run-new', ['run-best', 'run-new']);
  assert.equal(state().filter.runId, 'run-new', 'a new default (marked in Runs) is followed');
  const key = state().queryKey;
  setDefaultRun('run-new', ['run-best', 'run-new']);
  assert.equal(state().queryKey, key, 'the same default again: no new query');

  setFilter({ runId: 'run-best' });
  setDefaultRun('run-new', ['run-best', 'run-new']);
  assert.equal(state().filter.runId, 'run-best', 'a picked run is kept');
  assert.equal(hash(), '#/browse?class=3&run=run-best');
  setFilter({ runId: undefined, correctness: 'wrong' });
  assert.deepEqual(state().filter, { classIds: [3] }, '"none" picked: prediction filters go with the run');
  setDefaultRun('run-new', ['run-best', 'run-new']);
  assert.equal(state().filter.runId, undefined, '"none" is kept too');
  assert.equal(hash(), '#/browse?class=3&run=none');

  setFilter({ runId: 'run-best' });
  setDefaultRun('run-new', ['run-new']);
  assert.equal(state().filter.runId, 'run-new', 'a picked run that was deleted falls back to the default');
  setDefaultRun(null, []);
  assert.deepEqual(state().filter, { classIds: [3] }, 'no completed run: no predictions');
});

test('an image set with a run picks it; clearing the set returns to the default; the address restores all three', () => {
  setDefaultRun('run-best', ['run-best', 'run-b']);
  replaceFilter({});
  assert.deepEqual(state().filter, { runId: 'run-best' });
  replaceFilter({ imageIds: [4, 5], runId: 'run-b' }, { label: 'A right, B wrong · 2 images', keys: ['imageIds', 'runId'] });
  setDefaultRun('run-best', ['run-best', 'run-b']);
  assert.equal(state().filter.runId, 'run-b');
  clearImageSet();
  assert.deepEqual(state().filter, { runId: 'run-best' });

  restoreFromHash('#/browse?split=test&run=none');
  assert.deepEqual(state().filter, { splits: ['test'] });
  assert.equal(state().runPicked, true);
  restoreFromHash('#/browse?split=test&run=run-b&ronly=1');
  assert.deepEqual(state().filter, { splits: ['test'], runId: 'run-b', runOnly: true });
  assert.equal(fromHash(hash())?.filter.runOnly, true, 'predicted only survives a reload');
  restoreFromHash('#/browse?split=val');
  assert.deepEqual(state().filter, { splits: ['val'], runId: 'run-best' });
  assert.equal(state().runPicked, false);
  assert.deepEqual(fromHash('#/browse?ronly=1&correct=wrong')!.filter, {}, 'prediction filters without a run are dropped');
});

test('a run alone only decorates; a filter on its predictions scores it (class and split of its snapshot)', () => {
  assert.equal(isScored({ runId: 'r' }), false);
  assert.equal(isScored({ runId: 'r', classIds: [1], splits: ['test'] }), false);
  for (const f of [{ runOnly: true }, { correctness: 'wrong' as const }, { predictedClassIds: [1] }, { confidenceMax: 0.5 }]) assert.equal(isScored({ runId: 'r', ...f }), true);
  assert.equal(isScored({ runOnly: true }), false);
  assert.equal(splitNote({ runId: 'r' }), 'all splits · train in-sample');
});
