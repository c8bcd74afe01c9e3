// `npm run bench:accuracy`: trains both models with default settings on the rice library (12,000 images,
// imported once into a kept temp library) through the real worker path, and writes accuracy, wall time per
// phase, training and inference images/s and the worker's peak RSS to BENCHMARKS.md's "Training" section.
// Options: --library DIR, --models cnn,mobilenetv2, --max-per-class N (a reduced run), --epochs N, --no-write.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { TrainEvent } from '../src/shared/contract';
import type { ModelKind, RunDetail, TrainConfig } from '../src/shared/types';
import { openLibrary } from '../src/main/library';
import { importFolder } from '../src/main/services/import/index';
import { getRun, runRecords } from '../src/main/services/runs';
import { predict } from '../src/main/services/predict';
import { resolveConfig } from '../src/main/engine/config';
import { createForkWorkerHost } from '../src/main/workers/fork-host';
import { runImages } from '../src/main/repos/runs.repo';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RICE = path.resolve(root, '../shared/datasets/rice');
const { values } = parseArgs({
  options: {
    library: { type: 'string', default: path.join(os.tmpdir(), 'paddy-accuracy-lib') },
    models: { type: 'string', default: 'cnn,mobilenetv2' },
    'max-per-class': { type: 'string' },
    epochs: { type: 'string' },
    'no-write': { type: 'boolean' },
  },
});
process.env.PADDY_MOBILENET_DIR ??= path.resolve(root, '../shared/models/mobilenet_v2');

function vmHwmMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const lib = openLibrary(values.library!, { create: true });
const have = (lib.db.prepare('SELECT COUNT(*) n FROM images').get() as { n: number }).n;
let importSeconds: number | null = null;
if (have < 12_000) {
  console.error(`importing ${RICE} into ${lib.dir} …`);
  const r = await importFolder(lib, RICE, {});
  importSeconds = r.seconds;
  console.error(`imported ${r.imported} in ${r.seconds.toFixed(1)} s`);
}

const results: Array<{ model: ModelKind; run: RunDetail; peakRssMb: number | null; trainImgPerSec: number; inferImgPerSec: number; trainImages: number }> = [];
for (const model of values.models!.split(',') as ModelKind[]) {
  const partial: Partial<TrainConfig> & { model: ModelKind } = { model };
  if (values['max-per-class']) partial.maxPerClass = Number(values['max-per-class']);
  if (values.epochs) partial.epochs = Number(values.epochs);
  const config = resolveConfig(partial);
  let peak: number | null = null;
  const host = createForkWorkerHost((name, payload) => {
    if (name !== 'train.event') return;
    const e = payload as TrainEvent;
    if (e.type === 'epoch') console.error(`[${model}] epoch ${e.metrics.epoch} loss ${e.metrics.loss.toFixed(4)} acc ${e.metrics.accuracy.toFixed(4)} val ${e.metrics.valAccuracy?.toFixed(4)} (${e.metrics.seconds.toFixed(1)} s)`);
    if (e.type === 'phase' && e.done === e.total) console.error(`[${model}] ${e.phase} ${e.done}/${e.total}`);
    if (e.type === 'failed') console.error(`[${model}] FAILED: ${e.error}`);
  }, runRecords);
  const { runId } = await host.start(lib, config);
  const sampler = setInterval(() => {
    const v = vmHwmMb(host.pidOf(runId));
    if (v !== null) peak = Math.max(peak ?? 0, v);
  }, 500);
  await host.wait(runId);
  clearInterval(sampler);
  await host.dispose();
  const run = getRun(lib, runId);
  if (run.status !== 'completed') throw new Error(`${model} run ${runId} ${run.status}: ${run.error}`);
  const trainImages = runImages(lib.db, runId).filter((i) => i.split === 'train').length;
  const trainImgPerSec = (trainImages * run.epochs.length) / (run.seconds.train ?? NaN);
  // Inference: files → probabilities through the saved model (decode included), on 256 test images.
  const files = runImages(lib.db, runId).filter((i) => i.split === 'test').slice(0, 256).map((i) => i.sourcePath);
  const t0 = performance.now();
  const preds = await predict(lib, runId, files);
  const inferImgPerSec = preds.length / ((performance.now() - t0) / 1000);
  results.push({ model, run, peakRssMb: peak, trainImgPerSec, inferImgPerSec, trainImages });
  console.error(`[${model}] ${runId}: test accuracy ${(run.test!.accuracy * 100).toFixed(2)}%, ${JSON.stringify(run.seconds)}`);
}
lib.close();

const load = os.loadavg()[0]!.toFixed(1);
const lines = [
  '## Training (`npm run bench:accuracy`, bench/accuracy.bench.ts)',
  '',
  `Rice library (${RICE.replace(root + '/', '')}, 12,000 images, the importer's stored splits), default settings, trained through`,
  'the real worker path (fork host → train.worker). **Measured while other work shared the 2 cores** (1-min load',
  `average ≈ ${load} at the end), so wall times are inflated; the lead re-runs. ${values['max-per-class'] ? `Reduced run: --max-per-class ${values['max-per-class']}.` : ''}`,
  importSeconds !== null ? `Import of the 12,000 images: ${importSeconds.toFixed(0)} s.` : '',
  '',
  '| model | config | backend | test accuracy | macro-F1 | n test | wall time (phases, s) | train img/s | inference img/s (file → probs) | worker peak RSS |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.map(({ model, run, peakRssMb, trainImgPerSec, inferImgPerSec }) => {
    const c = run.config as TrainConfig & Record<string, unknown>;
    const cfg = model === 'cnn'
      ? `${c.imageSize}px, filters ${(c.filters as number[]).join('/')}, dense ${(c.dense as number[]).join('/') || '-'}, ${c.epochs} epochs, batch ${c.batchSize}`
      : `α${c.alpha}, frozen base${c.fineTuneBlocks ? ` + ${c.fineTuneBlocks} blocks tuned` : ''}, head ${(c.dense as number[]).join('/')}, ${c.epochs} epochs, batch ${c.batchSize}`;
    const phases = Object.entries(run.seconds).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
    return `| ${model} | ${cfg} | ${run.backend} | ${(run.test!.accuracy * 100).toFixed(2)}% | ${run.test!.macroF1.toFixed(4)} | ${run.test!.n} | ${phases} | ${trainImgPerSec.toFixed(0)}${model === 'mobilenetv2' ? ' (head on cached features)' : ''} | ${inferImgPerSec.toFixed(1)} | ${peakRssMb === null ? '?' : `${peakRssMb.toFixed(0)} MB`} |`;
  }),
  '',
  'MobileNetV2: `features` is the one-time pass of the frozen base over every image (ONNX Runtime when it loads, else',
  'tfjs); later runs on the same library read the cache and train in seconds. Inference img/s runs the saved model on',
  '256 test files from disk (decode + base + head), in the calling process.',
  'Memory: the CNN keeps decoded uint8 pixels (imageSize² × 3 bytes per image: 6.9 KB at 48 px, ≈ 520 MB for 75,000',
  'images) and builds float batches on the fly; MobileNetV2 streams 32 images at a time through the base and keeps',
  '1,280 floats per image (5 KB, ≈ 380 MB for 75,000). Nothing holds the library as 224×224 floats.',
  '',
].filter((l, i, a) => !(l === '' && a[i - 1] === ''));
console.log(lines.join('\n'));
if (!values['no-write']) {
  const file = path.join(root, 'BENCHMARKS.md');
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf('## Training (');
  const section = lines.join('\n');
  // Keep the rows of models not re-run this time (e.g. `--models cnn` after a full run).
  const ran = new Set(results.map((r) => r.model));
  const old = start < 0 ? [] : text.slice(start, text.indexOf('\n## ', start + 3) < 0 ? undefined : text.indexOf('\n## ', start + 3)).split('\n')
    .filter((l) => /^\| (cnn|mobilenetv2) \|/.test(l) && !ran.has(l.split('|')[1]!.trim() as ModelKind));
  const withOld = old.length ? section.replace(/(\|---(?:\|---)+\|\n)/, `$1${old.map((l) => (l.includes("(earlier run)") ? l : `${l.replace(/ \|$/, "")} (earlier run) |`)).join('\n')}\n`) : section;
  let next: string;
  if (start < 0) next = `${text.trimEnd()}\n\n${withOld}`;
  else {
    const end = text.indexOf('\n## ', start + 3);
    next = text.slice(0, start) + withOld + (end < 0 ? '' : `\n${text.slice(end + 1)}`);
  }
  fs.writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
  console.error(`wrote ${file}`);
}
