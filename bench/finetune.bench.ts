// Fine-tuning MobileNetV2 on ONNX Runtime (issue 12): img/s of fineTune's training loop for the top 2 blocks of
// α1.0 + the default head, batch 16, on cached cut activations of rice images — the ONNX block step on 2 threads
// and 1, and tfjs wasm (the engine before) — with img per CPU-second beside each (load-independent) and the load.
// Usage: npm run bench:finetune [-- --images N]
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { useBackend } from '../src/main/engine/backends';
import { finetuneRate } from '../src/main/engine/speed-bench';
import { findWeights } from '../src/main/engine/weights/find';

const root = path.resolve(import.meta.dirname, '..');
const modelDir = findWeights(1, { weightsDir: path.resolve(root, '../shared/models/mobilenet_v2') });
const riceDir = path.resolve(root, '../shared/datasets/rice');
const at = process.argv.indexOf('--images');
const images = at > 0 ? Number(process.argv[at + 1]) : 192;
await useBackend('wasm', 'train-conv');
const cpu = execSync("lscpu | grep 'Model name' | sed 's/.*: *//'").toString().trim();
console.log(`${cpu}, ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)} at start`);
for (const [label, engine, threads, n] of [['onnxruntime, 2 threads', 'auto', 2, images], ['onnxruntime, 1 thread', 'auto', 1, images], ['tfjs wasm', 'tfjs', undefined, Math.min(images, 80)]] as const) {
  const r = await finetuneRate(modelDir, riceDir, engine, n, threads);
  console.log(`${label}: ${r?.rate ?? '—'} img/s, ${r?.perCpuSecond ?? '—'} img per CPU-second (${r?.engine ?? 'no images'}; load ${os.loadavg()[0]!.toFixed(1)})`);
}
