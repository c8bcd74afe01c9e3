// MobileNetV2 frozen-base feature extraction speed: Paddy's ONNX export on onnxruntime-node (α 1.0 and 0.35,
// batch 1/16/32, N threads) against tfjs wasm. Inputs are real rice photos (decoded once; decoding is not timed).
// Usage: node --import tsx bench/onnx-features.bench.ts [--threads 2] [--seconds 4] [--runs 3] [--batches 1,4,16,32]
//        [--alphas 1,0.35] [--spinning] [--no-tfjs] [--json]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { FeatureExtractor } from '../src/main/engine/features/extractor';
import { createOnnxExtractor } from '../src/main/engine/onnx/runtime/extractor';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    'no-tfjs': { type: 'boolean', default: false },
    spinning: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    batches: { type: 'string', default: '1,4,16,32' },
    alphas: { type: 'string', default: '1,0.35' },
    pipeline: { type: 'string', default: '160' },
  },
});
const THREADS = Number(values.threads);
const SECONDS = Number(values.seconds);
const RUNS = Number(values.runs);
const ROOT = path.resolve(import.meta.dirname, '..');
const RICE = path.resolve(ROOT, '../shared/datasets/rice');
const MODELS = path.resolve(ROOT, '../shared/models/mobilenet_v2');
const PER = 224 * 224 * 3;
const BATCHES = values.batches.split(',').map(Number);
const ALPHAS = values.alphas.split(',').map((a) => (Number(a) === 1 ? 1 : 0.35) as 1 | 0.35);

async function photos(n: number): Promise<Float32Array> {
  const classes = fs.readdirSync(RICE, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const x = new Float32Array(n * PER);
  for (let i = 0; i < n; i++) {
    const dir = path.join(RICE, classes[i % classes.length]);
    const file = path.join(dir, fs.readdirSync(dir).sort()[i]);
    const px = await sharp(file).removeAlpha().resize(224, 224, { fit: 'fill' }).raw().toBuffer();
    for (let j = 0; j < PER; j++) x[i * PER + j] = px[j] / 127.5 - 1;
  }
  return x;
}

interface Row {
  engine: string;
  alpha: number;
  batch: number;
  threads: number;
  imgPerSec: number;
  /** Images per CPU-second of this process: less sensitive to other load on the machine than wall-clock speed. */
  imgPerCpuSec: number;
  runs: number[];
}

/** Median over RUNS of images/s, each run lasting at least SECONDS (after one warm-up batch). */
async function measure(e: FeatureExtractor, x: Float32Array, batch: number, seconds = SECONDS, runs = RUNS): Promise<{ med: number; cpu: number; all: number[] }> {
  const input = x.subarray(0, batch * PER);
  await e.extract(input, batch);
  const all: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let images = 0;
    while (performance.now() - t0 < seconds * 1000 || images < batch * 2) {
      await e.extract(input, batch);
      images += batch;
    }
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    all.push(images / wall);
    cpus.push(images / ((c.user + c.system) / 1e6));
  }
  const mid = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
  return { med: mid(all), cpu: mid(cpus), all };
}

const round = (v: number) => Math.round(v * 10) / 10;
const rows: Row[] = [];
const x = await photos(32);
for (const alpha of ALPHAS) {
  const dir = path.join(MODELS, `mobilenet_v2_${alpha === 1 ? '1.00' : '0.35'}_224_no_top`);
  for (const batch of BATCHES) {
    const e = await createOnnxExtractor(dir, alpha, { threads: THREADS, maxBatch: batch, spinning: values.spinning });
    if (!e) throw new Error('onnxruntime-node did not load');
    const m = await measure(e, x, batch);
    await e.dispose();
    rows.push({ engine: e.name, alpha, batch, threads: THREADS, imgPerSec: round(m.med), imgPerCpuSec: round(m.cpu), runs: m.all.map(round) });
    if (!values.json) console.log(`${e.name} α${alpha} batch ${batch}: ${round(m.med)} img/s (${round(m.cpu)} img per CPU-s) runs ${m.all.map(round).join(' ')}`);
  }
}
// End to end as ensureFeatures runs it: decode (sharp) the next 32 files while the current 32 go through ORT.
const PIPE = Number(values.pipeline);
if (PIPE > 0) {
  const { decodeMany, toBatch } = await import('../src/main/engine/data/images');
  const classes = fs.readdirSync(RICE, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const files = Array.from({ length: PIPE }, (_, i) => {
    const dir = path.join(RICE, classes[i % classes.length]);
    return path.join(dir, fs.readdirSync(dir).sort()[100 + Math.floor(i / classes.length)]);
  });
  for (const alpha of ALPHAS) {
    const dir = path.join(MODELS, `mobilenet_v2_${alpha === 1 ? '1.00' : '0.35'}_224_no_top`);
    const e = await createOnnxExtractor(dir, alpha, { threads: THREADS, spinning: values.spinning });
    if (!e) throw new Error('onnxruntime-node did not load');
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let pending = decodeMany(files.slice(0, 32), 224);
    for (let s = 0; s < files.length; s += 32) {
      const px = await pending;
      const next = files.slice(s + 32, s + 64);
      pending = next.length ? decodeMany(next, 224) : Promise.resolve([]);
      await e.extract(toBatch(px, 224, 'mobilenet'), px.length);
    }
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    await e.dispose();
    const row = { engine: `${e.name}+decode`, alpha, batch: 32, threads: THREADS, imgPerSec: round(PIPE / wall), imgPerCpuSec: round(PIPE / ((c.user + c.system) / 1e6)), runs: [round(PIPE / wall)] };
    rows.push(row);
    if (!values.json) console.log(`decode+extract ${PIPE} files α${alpha}: ${row.imgPerSec} img/s (${row.imgPerCpuSec} img per CPU-s)`);
  }
}
if (!values['no-tfjs']) {
  // tfjs is far slower: one short run per alpha at batch 16 is enough to place it.
  const { createTfjsExtractor } = await import('../src/main/engine/features/tfjs-extractor');
  for (const alpha of ALPHAS) {
    const dir = path.join(MODELS, `mobilenet_v2_${alpha === 1 ? '1.00' : '0.35'}_224_no_top`);
    const e = await createTfjsExtractor(dir, alpha, 'wasm');
    const m = await measure(e, x, 16, 2, 1);
    await e.dispose();
    rows.push({ engine: e.name, alpha, batch: 16, threads: 1, imgPerSec: round(m.med), imgPerCpuSec: round(m.cpu), runs: m.all.map(round) });
    if (!values.json) console.log(`${e.name} α${alpha} batch 16: ${round(m.med)} img/s (${round(m.cpu)} img per CPU-s)`);
  }
}
if (values.json) console.log(JSON.stringify({ threads: THREADS, spinning: values.spinning, rows }));
