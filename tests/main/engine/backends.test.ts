import assert from 'node:assert/strict';
import { test } from 'node:test';
import tf from '../../../src/main/engine/tfjs.cjs';
import { activeBackend, availableBackends, useBackend, wasmCanTrain, wasmTrainingKernels } from '../../../src/main/engine/backends';

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

test('after the wasm backend starts, a stray rejection ends the process as Node does (exit 1, one clear error), not exit 7 with the module source', async () => {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const backends = fileURLToPath(new URL('../../../src/main/engine/backends.ts', import.meta.url));
  const code = `const b = await import(${JSON.stringify(backends)}); await b.useBackend('wasm'); Promise.reject(new Error('stray rejection for the test'));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, `exit ${r.status}: ${r.stderr.slice(-500)}`);
  assert.match(r.stderr, /stray rejection for the test/);
  assert.ok(r.stderr.length < 4000, `stderr is ${r.stderr.length} characters (the Emscripten module printed itself?)`);
});
