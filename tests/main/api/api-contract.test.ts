import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUEST_NAMES, parseInput } from '../../../src/shared/contract';
import { dispatch, handlers } from '../../../src/main/api/index';
import { openLibrary } from '../../../src/main/library';
import { fixtureContext } from '../../helpers/fixture-library';
import { tempDir } from '../../helpers/tmp';

test('every request of the contract has a handler, and no handler is outside the contract', () => {
  assert.deepEqual(Object.keys(handlers).sort(), [...REQUEST_NAMES].sort());
});

test('inputs are validated: wrong types and unknown fields are refused with the field named', () => {
  assert.throws(() => parseInput('images.detail', { imageId: 'x' }), /images\.detail: imageId/);
  assert.throws(() => parseInput('labels.set', { imageIds: [], classId: 1 }), /imageIds/);
  assert.throws(() => parseInput('library.info', { evil: true }), /library\.info/);
  assert.throws(() => parseInput('runs.get', { runId: '../../etc' }), /runId/);
  assert.deepEqual(parseInput('labels.set', { imageIds: [1, 2], classId: 3 }), { imageIds: [1, 2], classId: 3 });
});

test('jobs.cancel: only a job request name, nothing else; the handler asks the training host and returns the count', async () => {
  assert.throws(() => parseInput('jobs.cancel', { name: 'train.start' }), /^Error: jobs\.cancel: name: /);
  assert.throws(() => parseInput('jobs.cancel', {}), /jobs\.cancel: name/);
  assert.throws(() => parseInput('jobs.cancel', { name: 'suspects.scan', runId: 'x' }), /jobs\.cancel/);
  assert.deepEqual(parseInput('jobs.cancel', { name: 'runs.evaluate' }), { name: 'runs.evaluate' });

  const asked: string[] = [];
  const lib = openLibrary(tempDir());
  const ctx = fixtureContext(lib);
  ctx.workers.cancelJobs = (name) => (asked.push(name), 1);
  assert.deepEqual(await dispatch(handlers, ctx, 'jobs.cancel', { name: 'suspects.scan' }), { ok: true, value: { cancelled: 1 } });
  const bad = await dispatch(handlers, ctx, 'jobs.cancel', { name: 'everything' });
  assert.ok(!bad.ok && /^jobs\.cancel: name: /.test(bad.error) && !bad.error.includes('\n'), JSON.stringify(bad));
  assert.deepEqual(asked, ['suspects.scan'], 'a refused input never reaches the host');
  lib.close();
});
