// A run's calibration: one temperature fitted on its val predictions, what it does on val and test (reliability
// bins, ECE, NLL, Brier, before and after), the per-class table and precision–recall curves, and Predict's default
// "unsure" line. Stored with the run the first time it is asked for (a completed run's model never changes). A run
// trained since migration 0009 has its val and test predictions stored, so this is arithmetic over them; an older
// run has only its test predictions, and its val images are scored with its model once (that path is a job).
import type { EvalCalibration, RunCalibration, SplitCalibration } from '../../shared/types';
import type { Library } from '../library';
import { getCalibration, predictionProbs, saveCalibration, setPredictionConfidences, splitPredictions } from '../repos/calibration.repo';
import { runImages, type RunRow } from '../repos/runs.repo';
import { applyTemperature, calibrate as calibrateRow, calibrationScores, fitTemperature, perClassCurves, unsureThreshold } from '../engine/calibration';
import { checkSources } from '../engine/data/source-check';
import { scoreLibraryImages } from '../engine/inference';
import { loadCompletedRunModel } from './run-model';
import { requireRun, runClasses } from './runs';

/** Labelled rows of one split: n × k probabilities in the run's class order, and class indices. */
interface SplitRows {
  probs: Float64Array | Float32Array;
  labels: number[];
}

const REFUSAL = 'only a completed run has a calibration';

/** A run's temperature applied to one probability vector (in the run's class order); T = 1 returns it as it is. */
export function calibrate(probs: ArrayLike<number>, temperature: number): number[] {
  return temperature === 1 ? Array.from(probs) : Array.from(calibrateRow(probs, temperature));
}

function completedRun(lib: Library, runId: string): RunRow {
  const run = requireRun(lib, runId);
  if (run.status !== 'completed') throw new Error(`run ${runId} is ${run.status}: ${REFUSAL}`);
  return run;
}

function stored(lib: Library, runId: string): RunCalibration | null {
  const row = getCalibration(lib.db, runId);
  return row ? (JSON.parse(row.summary) as RunCalibration) : null;
}

function storedRows(lib: Library, run: RunRow, split: 'val' | 'test'): SplitRows {
  const index = new Map(runClasses(run).map((c, i) => [c.id, i]));
  const k = index.size;
  const rows = splitPredictions(lib.db, run.id, split).filter((r) => index.has(r.trueClassId));
  const probs = new Float64Array(rows.length * k);
  rows.forEach((r, i) => probs.set((JSON.parse(r.probs) as number[]).slice(0, k), i * k));
  return { probs, labels: rows.map((r) => index.get(r.trueClassId)!) };
}

function splitCalibration(rows: SplitRows, k: number, temperature: number): SplitCalibration | null {
  if (!rows.labels.length) return null;
  return { before: calibrationScores(rows.probs, rows.labels, k), after: calibrationScores(applyTemperature(rows.probs, k, temperature), rows.labels, k) };
}

/**
 * Fewer val images than this and no temperature is fitted (T = 1): on a handful of images the least-NLL T runs to
 * an extreme (5 val images gave T = 0.07 in a test run, doubling test ECE), which would do more harm than good.
 */
export const MIN_FIT_IMAGES = 20;

/** Everything from the two splits' probabilities; pure apart from the clock. */
export function computeCalibration(runId: string, classes: readonly string[], val: SplitRows, test: SplitRows): RunCalibration {
  const k = classes.length;
  const fittedOn = val.labels.length >= MIN_FIT_IMAGES ? val.labels.length : 0;
  const temperature = fittedOn ? fitTemperature(val.probs, val.labels, k) : 1;
  const testAfter = applyTemperature(test.probs, k, temperature);
  return {
    runId,
    temperature,
    fittedOn,
    val: splitCalibration(val, k, temperature),
    test: splitCalibration(test, k, temperature),
    perClass: perClassCurves(classes, testAfter, test.labels),
    unsureThreshold: unsureThreshold(applyTemperature(val.probs, k, temperature), val.labels, k),
    computedAt: new Date().toISOString(),
  };
}

function store(lib: Library, c: RunCalibration): RunCalibration {
  saveCalibration(lib.db, c.runId, { temperature: c.temperature, summary: JSON.stringify(c), computedAt: c.computedAt });
  calibrateStoredConfidences(lib, c.runId, c.temperature);
  return c;
}

/**
 * The run's stored predictions answer with calibrated confidence too (Browse's tiles, its confidence filter and
 * sort, the run's lists), as Predict does: each row's top probability under the temperature. The raw
 * probabilities stay as they are — the temperature is fitted on them.
 */
export function calibrateStoredConfidences(lib: Library, runId: string, temperature: number): void {
  const rows = predictionProbs(lib.db, runId).map((r) => ({ imageId: r.imageId, confidence: Math.max(...calibrate(JSON.parse(r.probs) as number[], temperature)) }));
  setPredictionConfidences(lib.db, runId, rows);
}

/** After new predictions of a run were stored (e.g. images imported since): the same, if it has a temperature. */
export function calibrateNewPredictions(lib: Library, runId: string): void {
  const had = getCalibration(lib.db, runId);
  if (had) calibrateStoredConfidences(lib, runId, had.temperature);
  else calibrationWithoutModel(lib, runId); // fits one from the stored val predictions if it can (and applies it)
}

/**
 * The run's calibration without loading its model: the stored one, else computed from its stored val and test
 * predictions and stored. Null when a split of its snapshot has images but no stored predictions (an older run):
 * then `runCalibration` must score them.
 */
export function calibrationWithoutModel(lib: Library, runId: string): RunCalibration | null {
  const run = completedRun(lib, runId);
  const have = stored(lib, runId);
  if (have) return have;
  const inSnapshot = { val: 0, test: 0, train: 0 };
  for (const im of runImages(lib.db, runId)) inSnapshot[im.split]++;
  const val = storedRows(lib, run, 'val');
  const test = storedRows(lib, run, 'test');
  if ((inSnapshot.val && !val.labels.length) || (inSnapshot.test && !test.labels.length)) return null;
  return store(lib, computeCalibration(runId, runClasses(run).map((c) => c.name), val, test));
}

/** Scores a split's snapshot images whose source is still the bytes the run saw (the rest are left out). */
async function scoreSplit(lib: Library, run: RunRow, split: 'val' | 'test', model: Awaited<ReturnType<typeof loadCompletedRunModel>>['model'], signal?: AbortSignal): Promise<SplitRows> {
  const index = new Map(runClasses(run).map((c, i) => [c.id, i]));
  const all = runImages(lib.db, run.id).filter((i) => i.split === split && index.has(i.classId));
  if (!all.length) return { probs: new Float32Array(0), labels: [] };
  const { rows, checks } = await checkSources(lib, all.map((i) => i.imageId), { signal });
  const bad = new Set(rows.filter((_, i) => checks[i]!.state !== 'ok').map((r) => r.id));
  const images = all.filter((i) => !bad.has(i.imageId));
  if (!images.length) return { probs: new Float32Array(0), labels: [] };
  return { probs: await scoreLibraryImages(lib, model, images, signal), labels: images.map((i) => index.get(i.classId)!) };
}

/**
 * `runs.calibration`: stored, or computed from stored predictions, or (an older run) from its model's scores of
 * its val and test images. `signal`: checked between batches; an aborted computation stores nothing.
 */
export async function runCalibration(lib: Library, runId: string, signal?: AbortSignal): Promise<RunCalibration> {
  const cheap = calibrationWithoutModel(lib, runId);
  if (cheap) return cheap;
  const { run, model } = await loadCompletedRunModel(lib, runId, REFUSAL);
  try {
    const val = storedRows(lib, run, 'val');
    const test = storedRows(lib, run, 'test');
    const scoredVal = val.labels.length ? val : await scoreSplit(lib, run, 'val', model, signal);
    const scoredTest = test.labels.length ? test : await scoreSplit(lib, run, 'test', model, signal);
    if (signal?.aborted) throw new Error('cancelled');
    return store(lib, computeCalibration(runId, model.meta.classes, scoredVal, scoredTest));
  } finally {
    model.dispose();
  }
}

/** The run's temperature (computing its calibration on first use). */
export async function runTemperature(lib: Library, runId: string, signal?: AbortSignal): Promise<number> {
  return getCalibration(lib.db, runId)?.temperature ?? (await runCalibration(lib, runId, signal)).temperature;
}

/** An evaluation's calibration numbers: its probabilities (n × k) with the run's temperature, and as they are. */
export function evalCalibration(probs: ArrayLike<number>, labels: readonly number[], k: number, temperature: number): EvalCalibration {
  const raw = calibrationScores(probs, labels, k);
  const cal = calibrationScores(applyTemperature(probs, k, temperature), labels, k);
  return { temperature, ece: cal.ece, nll: cal.nll, brier: cal.brier, uncalibrated: { ece: raw.ece, nll: raw.nll, brier: raw.brier } };
}
