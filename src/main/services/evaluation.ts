// Evaluate a run's saved model: on its own test split (the snapshot it trained with), or on any
// folder-per-class tree without importing it (folder names map to the run's classes, case-insensitively).
import fs from 'node:fs';
import path from 'node:path';
import type { TestMetrics } from '../../shared/types';
import type { Library } from '../library';
import { runImages } from '../repos/runs.repo';
import { scoreFiles, scoreLibraryImages } from '../engine/inference';
import { argmax, testMetrics } from '../engine/metrics';
import { checkSources } from '../engine/data/source-check';
import { evalCalibration, runTemperature } from './calibration';
import { loadCompletedRunModel } from './run-model';
import { runClasses } from './runs';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif']);

/** Files of a folder-per-class tree, labelled by class index; unknown class folders are an error. */
export function folderTree(folder: string, classes: readonly string[]): { paths: string[]; truth: number[] } {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new Error(`${folder}: not a folder`);
  const byName = new Map(classes.map((c, i) => [c.toLowerCase(), i]));
  const paths: string[] = [];
  const truth: number[] = [];
  const dirs = fs.readdirSync(folder, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
  if (!dirs.length) throw new Error(`${folder}: no class folders inside (expected one sub-folder per class: ${classes.join(', ')})`);
  for (const d of dirs) {
    const k = byName.get(d.name.toLowerCase());
    if (k === undefined) throw new Error(`${path.join(folder, d.name)}: class "${d.name}" is not one of the run's classes (${classes.join(', ')})`);
    for (const f of fs.readdirSync(path.join(folder, d.name)).sort()) {
      if (!IMAGE_EXT.has(path.extname(f).toLowerCase())) continue;
      paths.push(path.join(folder, d.name, f));
      truth.push(k);
    }
  }
  if (!paths.length) throw new Error(`${folder}: no images found in its class folders`);
  return { paths, truth };
}

/** `signal`: checked between batches; an aborted evaluation throws (nothing is stored either way). */
export async function evaluateRun(lib: Library, runId: string, folder?: string, signal?: AbortSignal): Promise<TestMetrics> {
  const { run, model } = await loadCompletedRunModel(lib, runId, 'only a completed run can be evaluated');
  try {
    const classes = model.meta.classes;
    const k = classes.length;
    if (folder) {
      const { paths, truth } = folderTree(folder, classes);
      const { probs, errors } = await scoreFiles(model, paths, signal);
      const bad = errors.findIndex((e) => e);
      if (bad >= 0) throw new Error(errors[bad]!);
      const flat = new Float32Array(probs.length * k);
      probs.forEach((p, i) => flat.set(p!, i * k));
      // Top classes are the same with or without the temperature; the calibration numbers say how far to trust them.
      const calibration = evalCalibration(flat, truth, k, await runTemperature(lib, runId, signal));
      return { ...testMetrics(classes, truth, probs.map((p) => argmax(p!))), calibration };
    }
    const index = new Map(runClasses(run).map((c, i) => [c.id, i]));
    const all = runImages(lib.db, runId).filter((i) => i.split === 'test');
    // Only test images whose source is still the bytes the run was scored on; the rest are counted, not read.
    const { rows, checks } = await checkSources(lib, all.map((i) => i.imageId), { signal });
    const bad = new Set(rows.filter((_, i) => checks[i]!.state !== 'ok').map((r) => r.id));
    const test = all.filter((i) => !bad.has(i.imageId));
    if (!test.length) throw new Error(`run ${runId}: none of its ${all.length} test images has its source file (missing or changed): paddy sources`);
    const probs = await scoreLibraryImages(lib, model, test, signal);
    const pred = test.map((_, i) => argmax(probs.subarray(i * k, (i + 1) * k)));
    const truth = test.map((i) => index.get(i.classId)!);
    const metrics = { ...testMetrics(classes, truth, pred), calibration: evalCalibration(probs, truth, k, await runTemperature(lib, runId, signal)) };
    return bad.size ? { ...metrics, excludedMissing: bad.size } : metrics;
  } finally {
    model.dispose();
  }
}
