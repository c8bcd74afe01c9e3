// Grad-CAM on the rice photos (one bright grain on black): does the heat sit on the grain? Trains a CNN run and a
// MobileNetV2 run (frozen base + head) on a rice subset (modest configs, the normal training pipeline), then
// explains every test image of each (the service the worker runs, for the predicted class) and reports, per model:
// the mean share of the heat on the grain (grain = pixels whose mean RGB > 40 in the image resized the way the
// model sees it), the grain's mean share of the image, the heat density ratio (mean heat on the grain / mean heat
// off it; median and mean over images with heat off the grain), how many maps are all zero, and seconds per image.
// The library lives in $PADDY_BENCH_DIR (default <tmp>/paddy-bench-gradcam) and is reused with its runs.
// Usage: npm run bench:gradcam [-- --per-class N] [--cnn-epochs N] [--mnv2-epochs N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { TrainConfig } from '../src/shared/types';
import { openLibrary, type Library } from '../src/main/library';
import { resolveConfig } from '../src/main/engine/config';
import { useBackend } from '../src/main/engine/backends';
import { runTraining } from '../src/main/engine/train/run-training';
import { decodeImage } from '../src/main/engine/data/images';
import { brightMask, heatOnMask } from '../src/main/engine/explain/heat-stats';
import { createRun, runLifecycle } from '../src/main/services/runs';
import { clearHeatmapCache, explainImages } from '../src/main/services/explain';
import { makeTrainLibrary } from '../tests/helpers/train-lib';

const root = path.resolve(import.meta.dirname, '..');
const WEIGHTS = path.resolve(root, '../shared/models/mobilenet_v2');
const { values } = parseArgs({ options: { 'per-class': { type: 'string' }, 'cnn-epochs': { type: 'string' }, 'mnv2-epochs': { type: 'string' } } });
const perClass = Number(values['per-class'] ?? 150);
const base = process.env.PADDY_BENCH_DIR ?? path.join(os.tmpdir(), 'paddy-bench-gradcam');
const libDir = path.join(base, `rice-${perClass}`);

const lib: Library = fs.existsSync(path.join(libDir, 'paddy.db'))
  ? openLibrary(libDir)
  : (fs.mkdirSync(libDir, { recursive: true }), makeTrainLibrary(perClass, { dir: libDir }));

const configs: Record<'cnn' | 'mobilenetv2', TrainConfig> = {
  cnn: resolveConfig({ model: 'cnn', epochs: Number(values['cnn-epochs'] ?? 6), backend: 'wasm', seed: 7 }),
  mobilenetv2: resolveConfig({ model: 'mobilenetv2', alpha: 1, epochs: Number(values['mnv2-epochs'] ?? 20), backend: 'wasm', weightsDir: WEIGHTS, seed: 7 }),
};

async function completedRun(kind: 'cnn' | 'mobilenetv2'): Promise<{ runId: string; seconds: number }> {
  const row = lib.db.prepare(`SELECT id FROM runs WHERE model = ? AND status = 'completed' ORDER BY created_at DESC LIMIT 1`).get(kind) as { id: string } | undefined;
  if (row) return { runId: row.id, seconds: NaN };
  const config = configs[kind];
  const runId = createRun(lib, config);
  const ac = new AbortController();
  const t = performance.now();
  const end = await runTraining(lib, runId, config, (ev) => {
    if (ev.type === 'epoch') console.error(`${kind} epoch ${ev.metrics.epoch}: val acc ${ev.metrics.valAccuracy?.toFixed(3)}`);
    if (ev.type === 'failed') console.error(`${kind} failed: ${ev.error}`);
  }, { cancelled: () => false, signal: ac.signal }, runLifecycle(lib));
  if (end !== 'completed') throw new Error(`${kind} run ${runId} ended ${end}`);
  return { runId, seconds: (performance.now() - t) / 1000 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

await useBackend('wasm');
const test = lib.db.prepare(`SELECT i.id, i.source_path FROM images i JOIN splits s ON s.image_id = i.id WHERE s.split = 'test' ORDER BY i.id`).all() as Array<{ id: number; source_path: string }>;
const report: Record<string, unknown> = { perClass, testImages: test.length, library: libDir, cpu: os.cpus()[0]?.model, cores: os.cpus().length };
for (const kind of ['cnn', 'mobilenetv2'] as const) {
  const { runId, seconds } = await completedRun(kind);
  const acc = lib.db.prepare(`SELECT AVG(true_class_id = predicted_class_id) AS a FROM run_predictions WHERE run_id = ? AND split = 'test'`).get(runId) as { a: number };
  clearHeatmapCache(lib, runId);
  const t = performance.now();
  const results = await explainImages(lib, { runId, imageIds: test.map((r) => r.id) }, () => undefined);
  const explainSeconds = (performance.now() - t) / 1000;
  const t2 = performance.now();
  await explainImages(lib, { runId, imageIds: test.map((r) => r.id) }, () => undefined);
  const cachedSeconds = (performance.now() - t2) / 1000;
  const shares: number[] = [];
  const areas: number[] = [];
  const ratios: number[] = [];
  let zero = 0;
  let allOn = 0;
  for (const r of results) {
    if (!r.heatmap) throw new Error(`${r.path}: ${r.error}`);
    const rgb = await decodeImage(r.path, r.heatmap.width);
    const s = heatOnMask(r.heatmap.values, brightMask(rgb));
    if (!r.heatmap.values.some((v) => v > 0)) {
      zero++;
      continue;
    }
    shares.push(s.heatShare);
    areas.push(s.areaShare);
    if (Number.isFinite(s.densityRatio)) ratios.push(s.densityRatio);
    else allOn++;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  report[kind] = {
    runId, config: configs[kind], trainSeconds: Number.isNaN(seconds) ? 'reused' : +seconds.toFixed(1), testAccuracy: +acc.a.toFixed(4),
    mapSize: Math.round(Math.sqrt((JSON.parse(fs.readFileSync(path.join(lib.paths.cache, 'heatmaps', runId, fs.readdirSync(path.join(lib.paths.cache, 'heatmaps', runId)).find((f) => /-\d+\.json$/.test(f))!), 'utf8')) as { cam: number[] }).cam.length)),
    inputSize: results[0]!.heatmap!.width,
    images: results.length, zeroMaps: zero,
    heatShareOnGrain: +mean(shares).toFixed(4), grainAreaShare: +mean(areas).toFixed(4),
    densityRatioMedian: +median(ratios).toFixed(2), densityRatioMean: +mean(ratios).toFixed(2), allHeatOnGrain: allOn,
    denserOnGrain: ratios.filter((r) => r > 1).length + allOn,
    secondsPerImage: +(explainSeconds / results.length).toFixed(4), cachedSecondsPerImage: +(cachedSeconds / results.length).toFixed(5),
  };
  console.error(JSON.stringify(report[kind]));
}
console.log(JSON.stringify(report, null, 2));
lib.close();
