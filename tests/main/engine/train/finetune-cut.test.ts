import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import tf from '../../../../src/main/engine/tfjs.cjs';
import { useBackend } from '../../../../src/main/engine/backends';
import { decodeMany, toBatch } from '../../../../src/main/engine/data/images';
import { cutActivations, gatherCut, splitBase, tryCutRunner } from '../../../../src/main/engine/train/finetune-cut';
import type { TrainEvent } from '../../../../src/shared/contract';
import { resolveConfig } from '../../../../src/main/engine/config';
import { findWeights, loadBase } from '../../../../src/main/engine/weights/find';
import { runTraining } from '../../../../src/main/engine/train/run-training';
import { createRun, getRun, runLifecycle } from '../../../../src/main/services/runs';
import { predict } from '../../../../src/main/services/predict';
import { calibrate, runTemperature } from '../../../../src/main/services/calibration';
import { runImages, runPredictions } from '../../../../src/main/repos/runs.repo';
import { fineTuneLayers } from '../../../../src/main/engine/train/mobilenet-trainer';
import { makeTrainLibrary, riceFiles } from '../../../helpers/train-lib';
import { MOBILENET_DIR } from '../../../helpers/tmp';
import { assertOnlyTunedBlocksChanged } from '../../../helpers/tuned-base';

test('split base: top(bottom(x)) equals base(x) on real images for blocks 1–3; top shares base weights; no leak', async () => {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const base = await loadBase(findWeights(0.35, { weightsDir: MOBILENET_DIR }));
  const files = [...riceFiles('Basmati', 2), ...riceFiles('Ipsala', 1)];
  const px = await decodeMany(files, 224);
  const x = tf.tensor4d(toBatch(px, 224, 'mobilenet'), [files.length, 224, 224, 3]);
  const want = tf.tidy(() => (base.apply(x, { training: false }) as tf.Tensor).dataSync());
  for (const blocks of [1, 2, 3]) {
    const split = splitBase(base, blocks)!;
    // block_13 downsamples, so it has no residual Add.
    assert.match(split.bottom.outputs[0]!.sourceLayer.name, new RegExp(`^block_${16 - blocks}_(add|project_BN)$`));
    // The layers the trainer tunes are the same objects in top as in base.
    const inTop = new Set(split.top.layers);
    assert.ok(fineTuneLayers(base, blocks).every((l) => inTop.has(l)));
    // Through the cached-activation path, as the trainer runs it.
    const acts = (await cutActivations(split.bottom, files, { batchSize: 2 }))!;
    assert.equal(acts.per, split.cutShape.reduce((a, b) => a * b, 1));
    const got = tf.tidy(() => (split.top.apply(gatherCut(acts, split.cutShape, [0, 1, 2]), { training: false }) as tf.Tensor).dataSync());
    let diff = 0;
    want.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - got[i]!))));
    assert.ok(diff < 1e-4, `blocks ${blocks}: max abs diff ${diff}`);
    split.dispose();
  }
  // The ONNX export of the bottom (when onnxruntime-node loads) computes the same activations as tfjs.
  const split1 = splitBase(base, 1)!;
  const runner = await tryCutRunner(findWeights(0.35, { weightsDir: MOBILENET_DIR }), split1.bottom);
  if (runner) {
    const viaTf = (await cutActivations(split1.bottom, files))!.data;
    const viaOrt = (await cutActivations(split1.bottom, files, { runner }))!.data;
    let diff = 0;
    let scale = 0;
    viaTf.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - viaOrt[i]!));
      scale = Math.max(scale, Math.abs(v));
    });
    assert.ok(diff < 1e-4 * Math.max(1, scale), `onnx vs tfjs cut activations: max abs diff ${diff} (max |x| ${scale})`);
    await runner.dispose();
  }
  split1.dispose();
  // A weight set through top is base's weight; after the wrappers are gone base still runs.
  const split = splitBase(base, 1)!;
  const layer = split.top.getLayer('block_16_project');
  // getWeights hands out the variables themselves: keep copies to restore.
  const old = layer.getWeights().map((w) => w.clone());
  const zeros = old.map((w) => tf.zerosLike(w));
  layer.setWeights(zeros);
  assert.equal(tf.tidy(() => base.getLayer('block_16_project').getWeights()[0]!.abs().sum().dataSync()[0]), 0);
  base.getLayer('block_16_project').setWeights(old);
  tf.dispose([...old, ...zeros]);
  split.dispose();
  const again = tf.tidy(() => (base.apply(x, { training: false }) as tf.Tensor).dataSync());
  assert.deepEqual(Array.from(again.slice(0, 50)), Array.from(want.slice(0, 50)));
  x.dispose();
  base.dispose();
  assert.equal(tf.memory().numTensors, before, 'split wrappers and base leave no tensors');
});

test('split base: no cut for 0 or ≥ 17 blocks', async () => {
  await useBackend('wasm');
  const base = await loadBase(findWeights(0.35, { weightsDir: MOBILENET_DIR }));
  assert.equal(splitBase(base, 17), null);
  assert.equal(splitBase(base, 0), null);
  base.dispose();
});

const control = () => {
  const ac = new AbortController();
  return { cancelled: () => ac.signal.aborted, signal: ac.signal, abort: () => ac.abort() };
};

test('fine-tuning 2 blocks above the cut: tuned layers change, frozen ones are byte-equal, test scores match the saved model', async () => {
  const lib = makeTrainLibrary(5, { classes: 2 });
  const config = resolveConfig({ model: 'mobilenetv2', alpha: 0.35, weightsDir: MOBILENET_DIR, fineTuneBlocks: 2, epochs: 4, batchSize: 2, backend: 'wasm', learningRate: 0.01 });
  const runId = createRun(lib, config);
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const events: TrainEvent[] = [];
  const status = await runTraining(lib, runId, config, (e) => events.push(e), control(), runLifecycle(lib));
  assert.equal(status, 'completed', getRun(lib, runId).error ?? '');
  assert.equal(tf.memory().numTensors, before, 'fine-tuning leaks no tensors');
  // The frozen part ran once per image of every split (10), reported as the 'finetune' phase.
  const phases = events.filter((e) => e.type === 'phase' && e.phase === 'finetune') as Array<{ done: number; total: number }>;
  assert.equal(phases.at(-1)!.done, 10);
  assert.equal(phases.at(-1)!.total, 10);
  const run = getRun(lib, runId);
  assert.equal(run.test?.n, 2);
  assert.match(run.engine ?? '', /· fine-tune: onnxruntime-cpu, \d threads? \(frozen blocks: \S+/, 'the tuned blocks trained on the ONNX Runtime block step');
  await assertOnlyTunedBlocksChanged(lib, runId, 2);
  // The run's test predictions (top + head on cached activations) are what the saved model predicts from files.
  const rows = runPredictions(lib.db, runId);
  const files = runImages(lib.db, runId).filter((im) => rows.some((r) => r.imageId === im.imageId));
  const res = await predict(lib, runId, files.map((f) => f.sourcePath));
  // Predict answers with the run's temperature applied (calibration, #13); the stored rows are the raw model's.
  const T = await runTemperature(lib, runId);
  res.forEach((r, i) => {
    const row = rows.find((x) => x.imageId === files[i]!.imageId)!;
    const want = Math.max(...calibrate(row.probs, T));
    assert.ok(Math.abs(Math.max(...Object.values(r.probabilities)) - want) < 1e-4, `${r.probabilities} vs ${want}`);
  });
  lib.close();
});

test('fine-tuning above the cut: a cancel while caching activations or mid-epoch ends as cancelled, no tensors leak', async () => {
  const lib = makeTrainLibrary(5, { classes: 2 });
  const config = resolveConfig({ model: 'mobilenetv2', alpha: 0.35, weightsDir: MOBILENET_DIR, fineTuneBlocks: 1, epochs: 8, batchSize: 2, backend: 'wasm' });
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  for (const when of ['caching', 'mid-epoch'] as const) {
    const c = control();
    const runId = createRun(lib, config);
    let caching = false;
    const st = await runTraining(lib, runId, config, (e) => {
      if (e.type === 'phase' && e.phase === 'finetune') {
        caching = true;
        if (when === 'caching') c.abort();
      }
      // Fine-tune batches come after the caching phase (head batches come before it).
      if (when === 'mid-epoch' && caching && e.type === 'batch') c.abort();
    }, c, runLifecycle(lib));
    assert.equal(st, 'cancelled', when);
    assert.equal(getRun(lib, runId).status, 'cancelled');
    assert.ok(!fs.existsSync(path.join(lib.paths.models, runId)));
  }
  assert.equal(tf.memory().numTensors, before, 'cancelled fine-tunes leak no tensors');
  lib.close();
});

test('fine-tuning all 17 blocks has no cut: every step runs the whole base, as before', async () => {
  const lib = makeTrainLibrary(3, { classes: 2 });
  const config = resolveConfig({ model: 'mobilenetv2', alpha: 0.35, weightsDir: MOBILENET_DIR, fineTuneBlocks: 17, epochs: 1, batchSize: 2, backend: 'wasm' });
  const runId = createRun(lib, config);
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const status = await runTraining(lib, runId, config, () => undefined, control(), runLifecycle(lib));
  assert.equal(status, 'completed', getRun(lib, runId).error ?? '');
  assert.equal(tf.memory().numTensors, before);
  const run = getRun(lib, runId);
  assert.equal(run.test?.n, 2);
  assert.doesNotMatch(run.engine ?? '', /frozen blocks/);
  lib.close();
});
