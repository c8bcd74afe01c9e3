// The embedding map on real rice images and the real MobileNetV2 weights (α 1.0, 8 images per class): UMAP
// from the cached features, cached per library state, cancellable; a run's penultimate layer as the source;
// the colouring rows. One library for the file: the feature pass is the slow part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import tf from '../../../src/main/engine/tfjs.cjs';
import type { EventMap } from '../../../src/shared/contract';
import { computeMap, getMap, mapPoints } from '../../../src/main/services/map';
import { knnLabelAgreement } from '../../../src/main/engine/projection';
import { makeTrainLibrary } from '../../helpers/train-lib';
import { savedCnnRun } from '../../helpers/saved-run';
import { MOBILENET_DIR } from '../../helpers/tmp';

const lib = makeTrainLibrary(8);
const events: Array<EventMap['map.progress']> = [];
const emit = ((name: string, payload: unknown) => {
  if (name === 'map.progress') events.push(payload as EventMap['map.progress']);
}) as never;
const labelOf = new Map(mapPoints(lib).points.map((p) => [p.imageId, p.label]));

test('map.compute: every image gets a point, from the features, with progress; the map is cached per library state', async () => {
  const map = await computeMap(lib, emit, { weightsDir: MOBILENET_DIR, nEpochs: 150 });
  assert.equal(map.points.length, 40);
  assert.equal(map.source, 'features');
  assert.equal(map.method, 'umap');
  assert.equal(map.params.dims, 1280);
  assert.ok(map.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
  assert.ok(events.some((e) => e.phase === 'features' && e.done === 40 && e.total === 40));
  assert.ok(events.some((e) => e.phase === 'layout' && e.done === e.total));
  // Rice classes separate even from 40 ImageNet feature vectors: well above chance (≈ 0.18) of the 5-NN in 2-D
  // share the label (Basmati and Jasmine mix at this size); the ≥ 0.95 goal is measured on 12,000 by bench:map.
  const xy = Float32Array.from(map.points.flatMap((p) => [p.x, p.y]));
  const names = [...new Set(labelOf.values())];
  const agreement = knnLabelAgreement(xy, map.points.map((p) => names.indexOf(labelOf.get(p.imageId)!)), 5);
  assert.ok(agreement >= 0.45, `5-NN label agreement ${agreement}`);

  // Cached: map.get answers it, a second compute reads the file instead of recomputing.
  assert.deepEqual(getMap(lib, 'features')?.points, map.points);
  const file = path.join(lib.paths.cache, 'maps', 'features.json');
  const before = fs.statSync(file).mtimeMs;
  const again = await computeMap(lib, emit, { weightsDir: MOBILENET_DIR, nEpochs: 150 });
  assert.deepEqual(again.points, map.points);
  assert.equal(fs.statSync(file).mtimeMs, before);

  // A source that goes bad takes its image off the map: the cached one no longer matches.
  lib.db.prepare(`UPDATE images SET source_state = 'missing' WHERE id = ?`).run(map.points[0]!.imageId);
  assert.equal(getMap(lib, 'features'), null);
  lib.db.prepare(`UPDATE images SET source_state = 'ok' WHERE id = ?`).run(map.points[0]!.imageId);
  assert.ok(getMap(lib, 'features'));
});

test('map.compute: a cancelled map stops and leaves the cached one alone; an unknown run is refused by name', async () => {
  const ctl = new AbortController();
  const cancelling = ((name: string, payload: unknown) => {
    if (name === 'map.progress' && (payload as { phase: string }).phase === 'layout') ctl.abort();
  }) as never;
  await assert.rejects(computeMap(lib, cancelling, { weightsDir: MOBILENET_DIR, nEpochs: 400, seed: 2, signal: ctl.signal }), /map cancelled/);
  assert.ok(getMap(lib, 'features'), 'the previous map stays');
  await assert.rejects(computeMap(lib, emit, { source: 'run:no-such-run' }), /no-such-run/);
});

test("map.compute from a run's penultimate layer; map.points joins label, split, prediction and correctness", async () => {
  await savedCnnRun(lib, 'tiny-cnn', ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'], 16);
  const tensors = tf.memory().numTensors;
  const map = await computeMap(lib, emit, { source: 'run:tiny-cnn', nEpochs: 30 });
  assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  assert.equal(map.source, 'run:tiny-cnn');
  assert.equal(map.params.dims, 8); // the dense layer before the softmax
  assert.equal(map.points.length, 40);
  assert.ok(getMap(lib, 'run:tiny-cnn'));

  const ids = map.points.slice(0, 3).map((p) => p.imageId);
  const cls = lib.db.prepare(`SELECT id FROM classes WHERE name = 'Basmati'`).get() as { id: number };
  const label = lib.db.prepare(`SELECT class_id AS c FROM labels WHERE image_id = ?`);
  const ins = lib.db.prepare(`INSERT INTO run_predictions (run_id, image_id, true_class_id, predicted_class_id, confidence, loss, probs, split) VALUES ('tiny-cnn', ?, ?, ?, 0.9, 0.1, '[]', 'test')`);
  for (const id of ids) ins.run(id, (label.get(id) as { c: number }).c, cls.id);
  const pts = mapPoints(lib, 'tiny-cnn');
  assert.equal(pts.runId, 'tiny-cnn');
  assert.deepEqual(pts.classes, ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag']);
  const byId = new Map(pts.points.map((p) => [p.imageId, p]));
  for (const id of ids) {
    const p = byId.get(id)!;
    assert.equal(p.predicted, 'Basmati');
    assert.equal(p.correct, p.label === 'Basmati');
  }
  assert.ok(pts.points.every((p) => ['train', 'val', 'test'].includes(p.split!)));
  assert.equal(byId.get(map.points[5]!.imageId)!.predicted, null);
  // No run asked for and no default run: nothing predicted.
  assert.equal(mapPoints(lib).runId, null);
});
