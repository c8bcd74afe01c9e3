// An image set applied to Browse from elsewhere is named (the chip) and cleared by its own button, keeping the
// filters the user set; changing a field the set put there leaves no set to name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearImageSet, imageSetLabel, replaceFilter, setFilter, useBrowse } from '../../../../src/renderer/src/features/browse/browse.store';
import { confusionCellFilter, confusionCellLabel } from '../../../../src/renderer/src/features/runs/compare';

const state = () => useBrowse.getState();

test('a compare gallery set: named, kept under other filters, cleared by its chip', () => {
  replaceFilter({ imageIds: [4, 5, 6], runId: 'run-b' }, { label: 'A right, B wrong · 3 images', keys: ['imageIds', 'runId'] });
  assert.equal(imageSetLabel(state().filter, state().imageSet), 'A right, B wrong · 3 images');
  setFilter({ splits: ['test'] });
  assert.equal(state().imageSet?.label, 'A right, B wrong · 3 images', 'other filters narrow the set, which stays named');
  clearImageSet();
  assert.deepEqual(state().filter, { splits: ['test'] }, 'the set and the run it came with go; the split stays');
  // Another run's predictions over the same images: still a visible (plainer) chip.
  replaceFilter({ imageIds: [4, 5, 6], runId: 'run-b' }, { label: 'A right, B wrong · 3 images', keys: ['imageIds', 'runId'] });
  setFilter({ runId: 'run-a' });
  assert.equal(imageSetLabel(state().filter, state().imageSet), '3 chosen images');
  clearImageSet();
  assert.deepEqual(state().filter, { runId: 'run-a' });
  assert.equal(imageSetLabel(state().filter, state().imageSet), null);
  // An image list without a name still shows as a chip.
  replaceFilter({ imageIds: [1] });
  assert.equal(imageSetLabel(state().filter, state().imageSet), '1 chosen image');
  clearImageSet();
  assert.deepEqual(state().filter, {});
});

test('a confusion cell by class id: a renamed class still opens, and its chip uses the current names', () => {
  const library = [
    { id: 7, name: 'Arborio', count: 1, position: 0 },
    { id: 9, name: 'Jasmine rice', count: 1, position: 1 },
  ] as unknown as Parameters<typeof confusionCellFilter>[4];
  assert.throws(() => confusionCellFilter('run-1', ['Arborio', 'Jasmine'], 1, 0, library), /"Jasmine" is no longer in the library/);
  const filter = confusionCellFilter('run-1', ['Arborio', 'Jasmine'], 1, 0, library, [7, 9]);
  assert.deepEqual(filter, { runId: 'run-1', classIds: [9], predictedClassIds: [7], splits: ['test'] });
  assert.throws(() => confusionCellFilter('run-1', ['Arborio', 'Gone'], 1, 0, library, [7, 12]), /"Gone" is no longer/);
  const label = confusionCellLabel(filter, library);
  assert.equal(label, 'Jasmine rice predicted as Arborio · run-1');
  replaceFilter(filter, { label, keys: ['classIds', 'predictedClassIds', 'runId', 'splits'] });
  setFilter({ classIds: [7] });
  assert.equal(state().imageSet, null, 'another class: no longer that cell');
  replaceFilter(filter, { label, keys: ['classIds', 'predictedClassIds', 'runId', 'splits'] });
  clearImageSet();
  assert.deepEqual(state().filter, {});
});
