// The heat map store over the real handlers and a real saved CNN: one request per (run, image, class), the grid's
// tiles asked for in small batches as they show, and a failure kept as the entry's error. Real rice photos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Library } from '../../../../src/main/library';
import { dispatchApi } from '../../../helpers/studio-api';
import { fixtureContext } from '../../../helpers/fixture-library';
import { provideApi } from '../../../../src/renderer/src/app/api';
import { explainImages } from '../../../../src/main/services/explain';
import { heatKey, loadHeat, queueTileHeat, useExplain } from '../../../../src/renderer/src/features/explain/explain.store';
import { savedCnnRun } from '../../../helpers/saved-run';
import { makeTrainLibrary } from '../../../helpers/train-lib';

function api(lib: Library, jobs: string[][]): void {
  const ctx = fixtureContext(lib);
  ctx.workers.runJob = ((_l: Library, name: string, input: { runId: string; imageIds?: number[] }) => {
    if (name !== 'runs.explain') return Promise.reject(new Error(`no ${name} jobs here`));
    jobs.push((input.imageIds ?? []).map(String));
    return explainImages(lib, input, () => undefined);
  }) as typeof ctx.workers.runJob;
  provideApi(dispatchApi(ctx));
}

test('heat maps: fetched once per key, tiles in batches, errors kept', async () => {
  const lib = makeTrainLibrary(5, { classes: 3 });
  await savedCnnRun(lib, 'heat-run', ['Arborio', 'Basmati', 'Ipsala'], 16);
  const jobs: string[][] = [];
  api(lib, jobs);
  const ids = (lib.db.prepare('SELECT id FROM images ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);

  await loadHeat('heat-run', { imageId: ids[0]! }, null);
  const e = useExplain.getState().entries[heatKey('heat-run', { imageId: ids[0]! }, null)]!;
  assert.equal(e.status, 'done', e.error);
  assert.equal(e.width, 16);
  assert.equal(e.values!.length, 256);
  assert.deepEqual(e.classes, ['Arborio', 'Basmati', 'Ipsala']);
  assert.equal(e.cls, e.predicted);
  await loadHeat('heat-run', { imageId: ids[0]! }, null);
  assert.equal(jobs.length, 1, 'held: not asked again');
  await loadHeat('heat-run', { imageId: ids[0]! }, 'Ipsala');
  assert.equal(useExplain.getState().entries[heatKey('heat-run', { imageId: ids[0]! }, 'Ipsala')]!.cls, 'Ipsala');

  // 14 tiles show: two batches (12 + 2), the one already held is not asked for.
  for (const id of ids.slice(0, 15)) queueTileHeat('heat-run', id);
  const done = () => ids.slice(0, 15).every((id) => useExplain.getState().entries[heatKey('heat-run', { imageId: id }, null)]?.status === 'done');
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(done(), 'every tile has its heat');
  assert.deepEqual(jobs.slice(2).map((j) => j.length), [12, 2]);

  await loadHeat('no-such-run', { imageId: ids[0]! }, null);
  const bad = useExplain.getState().entries[heatKey('no-such-run', { imageId: ids[0]! }, null)]!;
  assert.equal(bad.status, 'error');
  assert.match(bad.error!, /no run "no-such-run"/);
  lib.close();
});
