// The tf.layers port of Keras' MobileNetV2 against the converted models Paddy ships with (the ground truth for
// names, order, configs and weight shapes), and the sharded saver + verification on the α1.0 size (3 shards).
import tf from '../../../../src/main/engine/tfjs.cjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { useBackend } from '../../../../src/main/engine/backends';
import { loadBase } from '../../../../src/main/engine/weights/find';
import { SHARD_BYTES, shardedSaver, verifyModel } from '../../../../src/main/engine/weights/convert';
import { buildMobileNetV2, makeDivisible } from '../../../../src/main/engine/models/mobilenet-v2';
import { MOBILENET_DIR, tempDir } from '../../../helpers/tmp';

before(async () => {
  await useBackend('auto');
});

test('makeDivisible rounds like keras.applications', () => {
  assert.equal(makeDivisible(32 * 0.35), 16);
  assert.equal(makeDivisible(16 * 0.35), 8);
  assert.equal(makeDivisible(Math.trunc(24 * 0.35)), 8);
  assert.equal(makeDivisible(Math.trunc(160 * 0.35)), 56);
  assert.equal(makeDivisible(32), 32);
});

for (const [alpha, folder] of [[1, 'mobilenet_v2_1.00_224_no_top'], [0.35, 'mobilenet_v2_0.35_224_no_top']] as const) {
  test(`buildMobileNetV2(${alpha}) has the reference topology and weight shapes`, () => {
    const ref = JSON.parse(fs.readFileSync(path.join(MOBILENET_DIR, folder, 'model.json'), 'utf8')) as {
      modelTopology: { config: { name: string; layers: unknown[]; input_layers: unknown; output_layers: unknown } };
      weightsManifest: Array<{ weights: Array<{ name: string; shape: number[] }> }>;
    };
    const model = buildMobileNetV2(alpha);
    const mine = JSON.parse(JSON.stringify(model.toJSON(null, false))) as { config: typeof ref.modelTopology.config };
    assert.equal(mine.config.name, ref.modelTopology.config.name);
    assert.deepEqual(mine.config.input_layers, ref.modelTopology.config.input_layers);
    assert.deepEqual(mine.config.output_layers, ref.modelTopology.config.output_layers);
    assert.equal(mine.config.layers.length, 155);
    mine.config.layers.forEach((l, i) => assert.deepEqual(l, ref.modelTopology.config.layers[i], `layer ${i}`));
    assert.deepEqual(
      model.weights.map((w) => [w.originalName, w.shape]),
      ref.weightsManifest.flatMap((g) => g.weights.map((w) => [w.name, w.shape])),
    );
    model.dispose();
  });
}

test('sharded save (≤ 4 MiB per shard) loads back identical and passes verification (α1.0)', async () => {
  const beforeCount = tf.memory().numTensors;
  const model = buildMobileNetV2(1);
  const dir = path.join(tempDir(), 'mobilenet_v2_1.00_224_no_top');
  await model.save(shardedSaver(dir));
  const shards = fs.readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();
  assert.deepEqual(shards, ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin']);
  for (const s of shards) assert.ok(fs.statSync(path.join(dir, s)).size <= SHARD_BYTES);
  assert.equal(shards.reduce((n, s) => n + fs.statSync(path.join(dir, s)).size, 0), 2_257_984 * 4);

  const back = await loadBase(dir);
  const [a, b] = [model.getWeights(), back.getWeights()];
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.deepEqual(a[i]!.dataSync(), b[i]!.dataSync(), model.weights[i]!.originalName);
  back.dispose();
  model.dispose();

  const info = await verifyModel(dir, 1);
  assert.deepEqual([info.layers, info.params, info.outputShape], [155, 2_257_984, [null, 7, 7, 1280]]);
  await assert.rejects(verifyModel(dir, 0.35), /is not MobileNetV2 α0\.35 \(155 layers, 2257984 params/);
  assert.equal(tf.memory().numTensors, beforeCount, 'no tensors leak');
});
