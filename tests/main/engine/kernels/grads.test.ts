// Paddy's wasm gradient kernels against finite differences (float64 reference conv) and against tfjs's `cpu`
// backend kernels, over a grid of shapes, strides, paddings and depthwise multipliers.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import tf from '../../../../src/main/engine/tfjs.cjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../../src/main/engine/kernels/index';
import { conv, maxAbsDiff, numericGrad, outShape, rand, type ConvCase } from '../../../helpers/conv-reference';

before(async () => {
  const names = registerWasmTrainingKernels();
  for (const n of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
    assert.ok(names.includes(n), n);
  }
  await tf.setBackend('wasm');
});

const TOL = 2e-4;

function kernelOn(backend: 'wasm' | 'cpu', name: string, inputs: Record<string, [Float64Array, number[]]>, attrs: object): Float32Array {
  const prev = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const ins: Record<string, tf.Tensor> = {};
      for (const [k, [data, shape]] of Object.entries(inputs)) ins[k] = tf.tensor(Float32Array.from(data), shape);
      const out = tf.engine().runKernel(name, ins as never, attrs as never) as tf.Tensor;
      return out.dataSync() as Float32Array;
    });
  } finally {
    tf.setBackend(prev);
  }
}

const cases: ConvCase[] = [];
for (const stride of [1, 2])
  for (const pad of ['same', 'valid'] as const) {
    cases.push({ x: [2, 7, 6, 3], k: [3, 3, 3, 4], stride, pad, depthwise: false });
    cases.push({ x: [1, 8, 8, 2], k: [2, 2, 2, 3], stride, pad, depthwise: false });
    cases.push({ x: [2, 5, 7, 1], k: [1, 3, 1, 2], stride, pad, depthwise: false });
    cases.push({ x: [2, 7, 6, 3], k: [3, 3, 3, 1], stride, pad, depthwise: true });
    cases.push({ x: [1, 6, 9, 2], k: [3, 3, 2, 2], stride, pad, depthwise: true });
    cases.push({ x: [2, 8, 8, 4], k: [2, 2, 4, 3], stride, pad, depthwise: true });
    // Even sizes at stride 2 'same' pad asymmetrically (bottom/right only), as in MobileNetV2.
    cases.push({ x: [1, 8, 6, 2], k: [3, 3, 2, 3], stride, pad, depthwise: false });
    cases.push({ x: [2, 8, 6, 3], k: [3, 3, 3, 1], stride, pad, depthwise: true });
  }

for (const [i, c] of cases.entries()) {
  const label = `${c.depthwise ? 'depthwise' : 'conv2d'} x=${c.x} k=${c.k} stride=${c.stride} ${c.pad}`;
  test(`gradients match finite differences and the cpu backend: ${label}`, () => {
    const before = tf.memory().numTensors;
    const x = rand(c.x.reduce((a, b) => a * b), 11 + i);
    const w = rand(c.k.reduce((a, b) => a * b), 101 + i);
    const yShape = outShape(c);
    const r = rand(yShape.reduce((a, b) => a * b), 1001 + i);
    assert.equal(conv(c, x, w).length, r.length);
    const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const filterName = c.depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter';
    const inputName = c.depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput';
    const fIns = { x: [x, c.x] as [Float64Array, number[]], dy: [r, yShape] as [Float64Array, number[]] };
    const iIns = { dy: [r, yShape] as [Float64Array, number[]], filter: [w, c.k] as [Float64Array, number[]] };
    const dwWasm = kernelOn('wasm', filterName, fIns, { ...attrs, filterShape: c.k });
    const dwCpu = kernelOn('cpu', filterName, fIns, { ...attrs, filterShape: c.k });
    const dxWasm = kernelOn('wasm', inputName, iIns, { ...attrs, inputShape: c.x });
    const dxCpu = kernelOn('cpu', inputName, iIns, { ...attrs, inputShape: c.x });
    const dwNum = numericGrad(c, x, w, r, 'w');
    const dxNum = numericGrad(c, x, w, r, 'x');
    assert.ok(maxAbsDiff(dwWasm, dwNum) < TOL, `filter grad vs numeric: ${maxAbsDiff(dwWasm, dwNum)}`);
    assert.ok(maxAbsDiff(dxWasm, dxNum) < TOL, `input grad vs numeric: ${maxAbsDiff(dxWasm, dxNum)}`);
    assert.ok(maxAbsDiff(dwWasm, dwCpu) < TOL, `filter grad vs cpu: ${maxAbsDiff(dwWasm, dwCpu)}`);
    assert.ok(maxAbsDiff(dxWasm, dxCpu) < TOL, `input grad vs cpu: ${maxAbsDiff(dxWasm, dxCpu)}`);
    // The reference itself must not be trivially zero, or the comparison proves nothing.
    assert.ok(Math.max(...dwNum.map(Math.abs)) > 0.1 && Math.max(...dxNum.map(Math.abs)) > 0.1);
    assert.equal(tf.memory().numTensors, before);
  });
}

test('tf.grads through a conv + depthwise model on wasm equals the cpu backend', () => {
  const xs = rand(2 * 9 * 9 * 3, 5), k1 = rand(3 * 3 * 3 * 4, 6), k2 = rand(3 * 3 * 4 * 2, 7);
  const run = (backend: 'wasm' | 'cpu') => {
    tf.setBackend(backend);
    return tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(xs), [2, 9, 9, 3]);
      const a = tf.tensor4d(Float32Array.from(k1), [3, 3, 3, 4]);
      const b = tf.tensor4d(Float32Array.from(k2), [3, 3, 4, 2]);
      const f = (xx: tf.Tensor, aa: tf.Tensor, bb: tf.Tensor) => {
        const h = tf.relu(tf.conv2d(xx as tf.Tensor4D, aa as tf.Tensor4D, 2, 'same'));
        const d = tf.depthwiseConv2d(h, bb as tf.Tensor4D, 1, 'valid');
        return tf.sum(tf.square(d));
      };
      return tf.grads(f)([x, a, b]).map((g) => g.dataSync().slice());
    });
  };
  const before = tf.memory().numTensors;
  const cpu = run('cpu');
  const wasm = run('wasm');
  for (let i = 0; i < 3; i++) {
    const scale = Math.max(1, ...Array.from(cpu[i], Math.abs));
    assert.ok(maxAbsDiff(wasm[i], cpu[i]) / scale < 1e-4, `grad ${i}: ${maxAbsDiff(wasm[i], cpu[i])}`);
  }
  assert.equal(tf.memory().numTensors, before);
  tf.setBackend('wasm');
});

test('registering twice is harmless and keeps Paddy kernels in place', () => {
  const first = registerWasmTrainingKernels();
  const again = registerWasmTrainingKernels();
  assert.deepEqual(again, first);
  for (const n of again) assert.ok(tf.getKernel(n, 'wasm'), n);
});
