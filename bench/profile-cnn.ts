// Per-kernel profile of one reference-CNN training step on wasm (tf.profile), to see where the time goes.
// Usage: node --import tsx bench/profile-cnn.ts [--naive]
import tf from '../src/main/engine/tfjs.cjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../src/main/engine/kernels/index';
import { buildReferenceCnn } from '../src/main/engine/models/reference-cnn';

registerWasmTrainingKernels();
await tf.setBackend('wasm');
const model = buildReferenceCnn(5, 1);
const x = tf.randomUniform([32, 64, 64, 3]);
const y = tf.oneHot(tf.randomUniform([32], 0, 5, 'int32'), 5);
for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
const t0 = performance.now();
const steps = 10;
for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
const ms = (performance.now() - t0) / steps;
console.log(`step ${ms.toFixed(1)} ms = ${(32000 / ms).toFixed(0)} img/s`);
const prof = await tf.profile(async () => { await model.trainOnBatch(x, y); });
const byKernel = new Map<string, number>();
for (const k of prof.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
const rows = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 20);
for (const [name, t] of rows) console.log(name.padEnd(28), t.toFixed(2), 'ms');
