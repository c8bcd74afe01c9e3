// runs.explain's service: library images by id, uploaded bytes under the user's name, the class picked by id or
// name, repeat requests answered from <library>/cache/heatmaps without computing, cancel, and no tensor leak.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import tf from '../../../src/main/engine/tfjs.cjs';
import type { ExplainResult } from '../../../src/shared/types';
import { explainImages, explainRequest, type ExplainInput } from '../../../src/main/services/explain';
import { makeTrainLibrary, riceFiles } from '../../helpers/train-lib';
import { savedCnnRun } from '../../helpers/saved-run';

test('explain: ids, uploads, picked class, cache hits, cancel and no leak', async () => {
  const classes = ['Arborio', 'Basmati', 'Ipsala'];
  const lib = makeTrainLibrary(1, { classes: 3 });
  await savedCnnRun(lib, 'x-cnn', classes, 16);
  // A real run records its classes with their ids (the fixture writes names only).
  const ids = lib.db.prepare('SELECT id, name FROM classes ORDER BY position').all() as Array<{ id: number; name: string }>;
  lib.db.prepare('UPDATE runs SET classes = ? WHERE id = ?').run(JSON.stringify(ids), 'x-cnn');
  const imageIds = (lib.db.prepare('SELECT id FROM images ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
  const upload = { name: 'my grain.jpg', base64: fs.readFileSync(riceFiles('Basmati', 1, 30)[0]!).toString('base64') };
  let computed = 0;
  const compute = (asked: ExplainInput): Promise<ExplainResult[]> => {
    computed++;
    assert.equal(asked.uploads, undefined, 'the job gets paths only');
    return explainImages(lib, asked, () => undefined);
  };
  const basmati = ids.find((c) => c.name === 'Basmati')!.id;
  const first = await explainRequest(lib, { runId: 'x-cnn', imageIds: imageIds.slice(0, 2), uploads: [upload], classId: basmati }, compute);
  assert.equal(computed, 1);
  assert.deepEqual(first.map((r) => r.imageId), [imageIds[0], imageIds[1], undefined]);
  assert.equal(first[2]!.path, 'my grain.jpg', 'an upload is reported under its own name');
  for (const r of first) {
    assert.equal(r.class, 'Basmati');
    assert.equal(r.heatmap!.values.length, 256);
    assert.ok(!r.cached);
  }
  const again = await explainRequest(lib, { runId: 'x-cnn', imageIds: imageIds.slice(0, 2), uploads: [upload], className: 'Basmati' }, compute);
  assert.equal(computed, 1, 'answered from the cache, no job');
  assert.ok(again.every((r) => r.cached));
  assert.deepEqual(again.map((r) => r.heatmap!.values), first.map((r) => r.heatmap!.values), 'the cached maps are the computed ones');
  assert.equal(again[2]!.path, 'my grain.jpg');

  // The predicted class is another cache entry; a picked class the run lacks is refused with its classes.
  await explainRequest(lib, { runId: 'x-cnn', imageIds: [imageIds[0]!] }, compute);
  assert.equal(computed, 2);
  await assert.rejects(explainRequest(lib, { runId: 'x-cnn', imageIds: [imageIds[0]!], className: 'Jasmine' }, compute), /run x-cnn has no class "Jasmine" \(its classes: Arborio, Basmati, Ipsala\)/);
  const gone = await explainRequest(lib, { runId: 'x-cnn', imageIds: [999_999] }, compute);
  assert.match(gone[0]!.error!, /no image 999999/);

  const ac = new AbortController();
  ac.abort();
  await assert.rejects(explainImages(lib, { runId: 'x-cnn', imageIds: [imageIds[2]!] }, () => undefined, ac.signal), /cancelled/);
  const before = tf.memory().numTensors;
  await explainImages(lib, { runId: 'x-cnn', imageIds: [imageIds[2]!], className: 'Ipsala' }, () => undefined);
  assert.equal(tf.memory().numTensors, before, 'model and maps disposed');
  lib.close();
});
