import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUEST_NAMES, parseInput } from '../src/shared/contract';
import { handlers } from '../src/main/api/index';

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
