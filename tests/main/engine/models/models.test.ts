import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import tf from '../../../../src/main/engine/tfjs.cjs';
import { useBackend } from '../../../../src/main/engine/backends';
import { resolveConfig } from '../../../../src/main/engine/config';
import { buildCnn } from '../../../../src/main/engine/models/cnn';
import { findWeights, loadBase } from '../../../../src/main/engine/weights/find';
import { fineTuneLayers } from '../../../../src/main/engine/train/mobilenet-trainer';
import { runTraining } from '../../../../src/main/engine/train/run-training';
import { createRun, getRun, runLifecycle } from '../../../../src/main/services/runs';
import { predict } from '../../../../src/main/services/predict';
import { makeTrainLibrary, riceFiles } from '../../../helpers/train-lib';
import { MOBILENET_DIR, tempDir } from '../../../helpers/tmp';
import { assertOnlyTunedBlocksChanged } from '../../../helpers/tuned-base';

test('CNN builder: configurable blocks and dense layers, softmax over the classes', async () => {
  await useBackend('wasm');
  const m = buildCnn({ imageSize: 32, filters: [4, 8, 16], dense: [10], dropout: 0.2, numClasses: 5, seed: 1, batchNorm: true });
  assert.deepEqual(m.outputs[0]!.shape, [null, 5]);
  assert.equal(m.layers.filter((l) => l.getClassName() === 'Conv2D').length, 3);
  assert.equal(m.layers.filter((l) => l.getClassName() === 'BatchNormalization').length, 3);
  const p = tf.tidy(() => (m.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor).sum(1).dataSync());
  assert.ok(Math.abs(p[0]! - 1) < 1e-5);
  m.dispose();
});

test('weights lookup: a parent folder, a model folder, or $PADDY_MOBILENET_DIR; the right alpha', () => {
  assert.match(findWeights(0.35, { weightsDir: MOBILENET_DIR }), /mobilenet_v2_0\.35_224_no_top$/);
  assert.match(findWeights(1, { weightsDir: MOBILENET_DIR }), /mobilenet_v2_1\.00_224_no_top$/);
  const direct = path.join(MOBILENET_DIR, 'mobilenet_v2_0.35_224_no_top');
  assert.equal(findWeights(0.35, { weightsDir: direct }), direct);
  const saved = process.env.PADDY_MOBILENET_DIR;
  try {
    delete process.env.PADDY_MOBILENET_DIR;
    assert.throws(() => findWeights(1, { weightsDir: direct, libraryModelsDir: tempDir() }), /not found[\s\S]*paddy weights download --alpha 1\.0/);
    process.env.PADDY_MOBILENET_DIR = MOBILENET_DIR;
    assert.match(findWeights(1, { libraryModelsDir: tempDir() }), /mobilenet_v2_1\.00_224_no_top$/);
  } finally {
    if (saved === undefined) delete process.env.PADDY_MOBILENET_DIR;
    else process.env.PADDY_MOBILENET_DIR = saved;
  }
});

test('top-N fine-tune layer selection excludes BatchNorm and everything below the chosen blocks', async () => {
  await useBackend('wasm');
  const base = await loadBase(findWeights(0.35, { weightsDir: MOBILENET_DIR }));
  const names = fineTuneLayers(base, 2).map((l) => l.name);
  assert.ok(names.includes('block_16_project') && names.includes('block_15_expand') && names.includes('Conv_1'));
  assert.ok(!names.some((n) => /BN|bn|block_14/.test(n)), names.join(','));
  assert.deepEqual(fineTuneLayers(base, 0), []);
  base.dispose();
});

test('MobileNetV2 fine-tuning 1 block: only that block (and the head) change; base outside it is bit-identical', async () => {
  const lib = makeTrainLibrary(3, { classes: 2 });
  const config = resolveConfig({ model: 'mobilenetv2', alpha: 0.35, weightsDir: MOBILENET_DIR, fineTuneBlocks: 1, epochs: 2, batchSize: 2, backend: 'wasm', learningRate: 0.01 });
  const runId = createRun(lib, config);
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const status = await runTraining(lib, runId, config, () => undefined, { cancelled: () => false, signal: new AbortController().signal }, runLifecycle(lib));
  assert.equal(status, 'completed', getRun(lib, runId).error ?? '');
  assert.equal(tf.memory().numTensors, before, 'fine-tuning leaks no tensors');
  const dir = path.join(lib.paths.models, runId);
  assert.ok(fs.existsSync(path.join(dir, 'base', 'model.json')));
  await assertOnlyTunedBlocksChanged(lib, runId, 1);
  const [res] = await predict(lib, runId, [riceFiles('Basmati', 1, 100)[0]!]);
  assert.ok(res!.predicted && Math.abs(Object.values(res!.probabilities).reduce((a, b) => a + b, 0) - 1) < 1e-4);
  lib.close();
});
