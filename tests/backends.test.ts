import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { activeBackend, availableBackends, useBackend, wasmCanTrain, wasmTrainingKernels } from '../src/main/training/backends';

test('backends: native ones are optional, wasm (with Paddy kernels) and cpu are always there', async () => {
  const list = await availableBackends();
  assert.ok(list.includes('wasm') && list.at(-1) === 'cpu', list.join(','));
  if (!list.includes('tensorflow')) {
    await assert.rejects(useBackend('tensorflow'), /backend "tensorflow" is not available: @tensorflow\/tfjs-node is not installed/);
  }
  assert.equal(await useBackend('cpu'), 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal(await useBackend('wasm'), 'wasm');
  assert.equal(activeBackend(), 'wasm');
  assert.ok(wasmTrainingKernels().includes('Conv2DBackpropFilter'));
  assert.ok(wasmCanTrain('conv') && wasmCanTrain('depthwise'));
  // auto for conv training takes the best available that can train convolutions
  assert.equal(await useBackend('auto', 'train-conv'), list[0]);
});
