// An L2-regularised softmax regression written with tfjs ops: the fold model of the label review when the
// shared head trainer's settings (no weight decay) overfit small folds — a few hundred images, some of them
// mislabeled, in 1280 dimensions. Mini-batch Adam, seeded init and order; every tensor inside tidy or disposed.
import * as tf from '@tensorflow/tfjs';
import { rng, shuffled } from '../../engine/random';
import type { FitPredict } from './crossval';

export interface SoftmaxSettings {
  l2: number;
  learningRate: number;
  /** Optimiser steps per fold (batches × epochs), whatever the fold size. */
  steps: number;
  batchSize: number;
}

export const DEFAULT_SOFTMAX: SoftmaxSettings = { l2: 1e-2, learningRate: 0.01, steps: 500, batchSize: 256 };

export function softmaxHead(settings: SoftmaxSettings = DEFAULT_SOFTMAX, shouldStop?: () => boolean): FitPredict {
  return async (train, xTest, dims, k, seed) => {
    const n = train.y.length;
    const rand = rng(seed);
    const w0 = new Float32Array(dims * k);
    for (let i = 0; i < w0.length; i++) w0[i] = (rand() * 2 - 1) * 0.01;
    const w = tf.tidy(() => tf.variable(tf.tensor2d(w0, [dims, k])));
    const b = tf.tidy(() => tf.variable(tf.zeros([k])));
    const opt = tf.train.adam(settings.learningRate);
    const xAll = tf.tensor2d(train.x, [n, dims]);
    const yAll = tf.tidy(() => tf.oneHot(tf.tensor1d(train.y, 'int32'), k));
    const batch = Math.min(settings.batchSize, n);
    try {
      let order = shuffled(Array.from({ length: n }, (_, i) => i), rand);
      let pos = 0;
      for (let step = 0; step < settings.steps; step++) {
        if (shouldStop?.()) break;
        if (pos + batch > n) {
          order = shuffled(order, rand);
          pos = 0;
        }
        const idx = tf.tensor1d(order.slice(pos, pos + batch), 'int32');
        pos += batch;
        tf.tidy(() => {
          const xb = tf.gather(xAll, idx);
          const yb = tf.gather(yAll, idx);
          opt.minimize(() => {
            const logits = tf.add(tf.matMul(xb, w), b);
            const ce = tf.losses.softmaxCrossEntropy(yb, logits);
            return tf.add(ce, tf.mul(settings.l2, tf.sum(tf.square(w)))) as tf.Scalar;
          }, false, [w, b]);
        });
        idx.dispose();
        // yield now and then so progress events and cancellation get through
        if (step % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
      }
      const probs = tf.tidy(() => tf.softmax(tf.add(tf.matMul(tf.tensor2d(xTest, [xTest.length / dims, dims]), w), b)));
      const out = (await probs.data()) as Float32Array;
      probs.dispose();
      return out;
    } finally {
      opt.dispose();
      for (const t of [w, b, xAll, yAll]) t.dispose();
    }
  };
}
