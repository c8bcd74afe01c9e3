// `npm run bench:calibration`: one small real run on rice — a subset of N images per class (default 100) copied
// to a temp folder, imported, a small CNN trained in this process — then the run's calibration: the temperature
// fitted on val, ECE / NLL / Brier on val and test before and after, per-class AP, and how long computing it takes
// from the stored predictions. Prints a Markdown block for BENCHMARKS.md ("Calibration") and one JSON line.
// Options: --per-class N, --epochs N, --image-size N.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { openLibrary } from '../src/main/library';
import { importFolder } from '../src/main/services/import/index';
import { createRun, getRun, runLifecycle } from '../src/main/services/runs';
import { calibrationWithoutModel } from '../src/main/services/calibration';
import { resolveConfig } from '../src/main/engine/config';
import { useBackend } from '../src/main/engine/backends';
import { runTraining } from '../src/main/engine/train/run-training';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RICE = path.resolve(root, '../shared/datasets/rice');
const { values } = parseArgs({ options: { 'per-class': { type: 'string', default: '100' }, epochs: { type: 'string', default: '8' }, 'image-size': { type: 'string', default: '32' } } });
const perClass = Number(values['per-class']);

const subset = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-cal-rice-'));
for (const cls of fs.readdirSync(RICE).filter((d) => fs.statSync(path.join(RICE, d)).isDirectory()).sort()) {
  fs.mkdirSync(path.join(subset, cls));
  for (const f of fs.readdirSync(path.join(RICE, cls)).filter((x) => x.endsWith('.jpg')).sort().slice(0, perClass)) {
    fs.copyFileSync(path.join(RICE, cls, f), path.join(subset, cls, f));
  }
}
const lib = openLibrary(fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-cal-lib-')), { create: true });
const imported = await importFolder(lib, subset, {});
console.error(`imported ${imported.imported} images`);
const config = resolveConfig({
  model: 'cnn', imageSize: Number(values['image-size']), filters: [8, 16], dense: [32], epochs: Number(values.epochs), batchSize: 32, backend: 'wasm', seed: 1,
});
const runId = createRun(lib, config);
await useBackend(config.backend);
const ac = new AbortController();
const t0 = performance.now();
const status = await runTraining(lib, runId, config, (e) => {
  if (e.type === 'epoch') console.error(`epoch ${e.metrics.epoch} loss ${e.metrics.loss.toFixed(3)} val acc ${e.metrics.valAccuracy?.toFixed(3)}`);
  if (e.type === 'failed') console.error(`FAILED: ${e.error}`);
}, { cancelled: () => ac.signal.aborted, signal: ac.signal }, runLifecycle(lib));
const trainSeconds = (performance.now() - t0) / 1000;
if (status !== 'completed') throw new Error(`run ${status}: ${getRun(lib, runId).error}`);
const t1 = performance.now();
const c = calibrationWithoutModel(lib, runId)!;
const calMs = performance.now() - t1;
const run = getRun(lib, runId);
const f = (v: number) => v.toFixed(4);
const lines = [
  `Run: CNN ${values['image-size']}px, filters [8, 16], dense [32], ${run.epochs.length} epochs, ` +
    `${perClass} images per class (${imported.imported} images; val ${c.val?.before.n ?? 0}, test ${c.test?.before.n ?? 0}); ` +
    `test accuracy ${(run.testAccuracy! * 100).toFixed(1)}%, trained in ${trainSeconds.toFixed(0)} s.`,
  `Temperature (fitted on val by least NLL): ${c.temperature.toFixed(3)}. Computing the calibration from the stored predictions: ${calMs.toFixed(0)} ms.`,
  '',
  '| split | ECE before | ECE after | NLL before | NLL after | Brier before | Brier after |',
  '|---|---|---|---|---|---|---|',
  ...(['val', 'test'] as const).map((s) => {
    const x = c[s]!;
    return `| ${s} | ${f(x.before.ece)} | ${f(x.after.ece)} | ${f(x.before.nll)} | ${f(x.after.nll)} | ${f(x.before.brier)} | ${f(x.after.brier)} |`;
  }),
  '',
  `Per-class AP on test (calibrated): ${c.perClass.map((r) => `${r.name} ${r.ap.toFixed(3)}`).join(', ')}. Predict's default unsure line: ${(c.unsureThreshold * 100).toFixed(1)}%.`,
];
console.log(lines.join('\n'));
console.log(JSON.stringify({ runId, temperature: c.temperature, val: { before: { ...c.val!.before, bins: undefined }, after: { ...c.val!.after, bins: undefined } }, test: { before: { ...c.test!.before, bins: undefined }, after: { ...c.test!.after, bins: undefined } }, calibrationMs: calMs, trainSeconds }));
lib.close();
fs.rmSync(subset, { recursive: true, force: true });
process.exit(0);
