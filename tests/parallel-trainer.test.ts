// Data-parallel training across 2 worker threads gives the same training curve as single-thread training of
// the same model from the same weights, on a tiny set of real rice images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../src/main/training/kernels/index';
import { createParallelTrainer } from '../src/main/training/parallel/parallel-trainer';
import { buildModel } from '../src/main/training/parallel/reference-cnn';
import { RICE_DIR } from './helpers/tmp';

const MODEL_MODULE = fileURLToPath(new URL('../src/main/training/parallel/reference-cnn.ts', import.meta.url));
const SIZE = 24, PER_CLASS = 6, BATCH = 10, EPOCHS = 3;

async function tinyRice(): Promise<{ x: Float32Array; y: Float32Array; n: number; classes: number }> {
  const classes = fs.readdirSync(RICE_DIR).filter((d) => fs.statSync(path.join(RICE_DIR, d)).isDirectory()).sort();
  const xs: number[] = [], ys: number[] = [];
  let n = 0;
  for (let k = 0; k < PER_CLASS; k++) {
    for (const [ci, c] of classes.entries()) {
      const file = fs.readdirSync(path.join(RICE_DIR, c)).sort()[k];
      const raw = await sharp(path.join(RICE_DIR, c, file)).resize(SIZE, SIZE).removeAlpha().raw().toBuffer();
      for (const v of raw) xs.push(v / 255);
      for (let j = 0; j < classes.length; j++) ys.push(j === ci ? 1 : 0);
      n++;
    }
  }
  return { x: Float32Array.from(xs), y: Float32Array.from(ys), n, classes: classes.length };
}

test('2-thread data-parallel training follows the single-thread training curve', async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  const data = await tinyRice();
  const args = { numClasses: data.classes, seed: 3, size: SIZE, lr: 3e-3 };
  const trainer = await createParallelTrainer({ modelModule: MODEL_MODULE, modelArgs: args, threads: 2 });
  try {
    assert.equal(trainer.threads, 2);
    assert.equal(trainer.backend, 'wasm');
    const tensorsBefore = tf.memory().numTensors;
    const single = buildModel(args);
    const start = await trainer.getWeights();
    const ts = start.map((w) => tf.tensor(w.data, w.shape));
    single.setWeights(ts);
    tf.dispose(ts);
    const per = SIZE * SIZE * 3;
    const curveParallel: number[] = [], curveSingle: number[] = [];
    for (let e = 0; e < EPOCHS; e++) {
      for (let s = 0; s < data.n; s += BATCH) {
        const m = Math.min(BATCH, data.n - s);
        const xb = data.x.slice(s * per, (s + m) * per), yb = data.y.slice(s * data.classes, (s + m) * data.classes);
        const { loss } = await trainer.trainBatch(xb.slice(), [m, SIZE, SIZE, 3], yb.slice(), [m, data.classes]);
        curveParallel.push(loss);
        const xt = tf.tensor4d(xb, [m, SIZE, SIZE, 3]), yt = tf.tensor2d(yb, [m, data.classes]);
        const l = (await single.trainOnBatch(xt, yt)) as number[];
        tf.dispose([xt, yt]);
        curveSingle.push(l[0]);
      }
    }
    for (let i = 0; i < curveSingle.length; i++) {
      assert.ok(Math.abs(curveParallel[i] - curveSingle[i]) < 2e-3 * Math.max(1, curveSingle[i]), `step ${i}: ${curveParallel[i]} vs ${curveSingle[i]}`);
    }
    // Training did something: the loss fell, and the weights moved the same way on both paths.
    assert.ok(curveSingle.at(-1)! < curveSingle[0], `loss ${curveSingle[0]} → ${curveSingle.at(-1)}`);
    const end = await trainer.getWeights();
    const singleW = single.getWeights();
    let maxDiff = 0, maxMove = 0;
    end.forEach((w, i) => {
      const sw = singleW[i].dataSync();
      for (let j = 0; j < w.data.length; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(w.data[j] - sw[j]));
        maxMove = Math.max(maxMove, Math.abs(w.data[j] - start[i].data[j]));
      }
    });
    assert.ok(maxMove > 1e-3, `weights moved ${maxMove}`);
    assert.ok(maxDiff < maxMove * 0.05, `replica vs single-thread weights differ by ${maxDiff} (moved ${maxMove})`);
    single.dispose();
    (single.optimizer as tf.Optimizer).dispose();
    assert.ok(tf.memory().numTensors <= tensorsBefore, `${tf.memory().numTensors} tensors > ${tensorsBefore}`);
  } finally {
    await trainer.dispose();
  }
});

test('a model module without buildModel fails with a clear error', async () => {
  const bad = fileURLToPath(new URL('../src/main/training/parallel/protocol.ts', import.meta.url));
  await assert.rejects(createParallelTrainer({ modelModule: bad, threads: 1 }), /protocol\.ts: exports no buildModel/);
});
