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

test('request x.y is handled in src/main/api/x.handlers.ts, which handles exactly the x.* requests', async () => {
  const prefixes = [...new Set(REQUEST_NAMES.map((n) => n.split('.')[0]!))];
  for (const prefix of prefixes) {
    const mod = (await import(`../../../src/main/api/${prefix}.handlers.ts`)) as Record<string, object>;
    const groups = Object.values(mod);
    assert.equal(groups.length, 1, `${prefix}.handlers.ts exports one handler group`);
    const expected = REQUEST_NAMES.filter((n) => n.startsWith(`${prefix}.`)).sort();
    assert.deepEqual(Object.keys(groups[0]!).sort(), expected, `${prefix}.handlers.ts`);
  }
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
  const lib = openLibrary(tempDir(), { create: true });
  const ctx = fixtureContext(lib);
  ctx.workers.cancelJobs = (name) => (asked.push(name), 1);
  assert.deepEqual(await dispatch(handlers, ctx, 'jobs.cancel', { name: 'suspects.scan' }), { ok: true, value: { cancelled: 1 } });
  const bad = await dispatch(handlers, ctx, 'jobs.cancel', { name: 'everything' });
  assert.ok(!bad.ok && /^jobs\.cancel: name: /.test(bad.error) && !bad.error.includes('\n'), JSON.stringify(bad));
  assert.deepEqual(asked, ['suspects.scan'], 'a refused input never reaches the host');
  lib.close();
});
