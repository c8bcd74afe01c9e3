// Live state of a training run, folded from 'train.event' events. Pure, so it is tested without a browser.
import type { TrainEvent } from '../../../../shared/contract';
import type { BackendName, EpochMetrics, TestMetrics } from '../../../../shared/types';

export interface LiveRun {
  runId: string;
  status: 'starting' | 'running' | 'completed' | 'failed' | 'cancelled';
  backend: BackendName | null;
  /** What runs the training steps; null until the run reports it (the backend alone can mislead). */
  engine: string | null;
  totalEpochs: number | null;
  batchesPerEpoch: number | null;
  phase: { name: string; done: number; total: number } | null;
  batch: { epoch: number; batch: number; batches: number; loss: number; accuracy: number; etaSeconds: number | null } | null;
  epochs: EpochMetrics[];
  /** Running train loss/accuracy within epochs, at x = fractional epoch (epoch 1 half done: 0.5). */
  trail: TrailPoint[];
  test: TestMetrics | null;
  error: string | null;
  startedAt: number;
}

export interface TrailPoint {
  x: number;
  loss: number;
  accuracy: number;
}

/** Enough points for a smooth curve; beyond it every other point is dropped, so memory stays flat on long runs. */
const TRAIL_MAX = 400;

export function newLiveRun(runId: string, now: number): LiveRun {
  return {
    runId,
    status: 'starting',
    backend: null,
    engine: null,
    totalEpochs: null,
    batchesPerEpoch: null,
    phase: null,
    batch: null,
    epochs: [],
    trail: [],
    test: null,
    error: null,
    startedAt: now,
  };
}

export function applyTrainEvent(run: LiveRun, ev: TrainEvent): LiveRun {
  if (ev.runId !== run.runId) return run;
  switch (ev.type) {
    case 'started':
      return { ...run, status: 'running', backend: ev.backend, totalEpochs: ev.totalEpochs, batchesPerEpoch: ev.batchesPerEpoch };
    case 'engine':
      return { ...run, engine: ev.engine };
    case 'phase':
      return { ...run, status: run.status === 'starting' ? 'running' : run.status, phase: { name: ev.phase, done: ev.done, total: ev.total } };
    case 'batch':
      return {
        ...run,
        status: 'running',
        phase: run.phase?.name === 'train' ? trainPhase(run, ev) : run.phase,
        batch: { epoch: ev.epoch, batch: ev.batch, batches: ev.batches, loss: ev.loss, accuracy: ev.accuracy, etaSeconds: ev.etaSeconds },
        trail: addTrail(run.trail, { x: ev.epoch - 1 + (ev.batches > 0 ? ev.batch / ev.batches : 1), loss: ev.loss, accuracy: ev.accuracy }),
      };
    case 'epoch': {
      // An epoch reported twice (a replay after reconnect) replaces the first report.
      const epochs = run.epochs.filter((e) => e.epoch !== ev.metrics.epoch).concat(ev.metrics).sort((a, b) => a.epoch - b.epoch);
      return { ...run, status: 'running', epochs };
    }
    case 'finished':
      return { ...run, status: 'completed', test: ev.test, batch: null };
    case 'failed':
      return { ...run, status: 'failed', error: ev.error, batch: null };
    case 'cancelled':
      return { ...run, status: 'cancelled', batch: null };
  }
}

/**
 * The 'train' phase counts batches over every epoch of the run, moved by batch events: the engine announces
 * the phase once (in epochs, done 0) and reports progress through batches.
 */
function trainPhase(run: LiveRun, ev: Extract<TrainEvent, { type: 'batch' }>): LiveRun['phase'] {
  const epochs = run.totalEpochs ?? run.phase?.total ?? 1;
  const total = epochs * ev.batches;
  return { name: 'train', done: Math.min(total, Math.max(0, (ev.epoch - 1) * ev.batches + ev.batch)), total };
}

/** "Epoch 1 of 3": batch events number epochs from 1, as the epoch metrics do. */
export function epochLabel(run: Pick<LiveRun, 'batch' | 'totalEpochs'>): string | null {
  if (!run.batch) return null;
  return `Epoch ${run.batch.epoch}${run.totalEpochs ? ` of ${run.totalEpochs}` : ''}`;
}

/** "on wasm · onnxruntime-cpu, 2 worker threads": the backend, then what runs the steps once it is known. */
export function runsOn(run: Pick<LiveRun, 'backend' | 'engine'>): string | null {
  const parts = [run.backend, run.engine].filter((x): x is string => !!x);
  return parts.length ? `on ${parts.join(' · ')}` : null;
}

export function isActive(run: LiveRun | null): boolean {
  return !!run && (run.status === 'starting' || run.status === 'running');
}

/** Overall progress 0..1 from epochs done and the current batch. */
export function overallProgress(run: LiveRun): number | null {
  if (!run.totalEpochs) return null;
  const done = run.epochs.length;
  const inEpoch = run.batch && run.batch.batches > 0 ? run.batch.batch / run.batch.batches : 0;
  // The batch belongs to an epoch not reported yet (its last batch arrives before the epoch's metrics).
  const current = run.batch && !run.epochs.some((e) => e.epoch === run.batch!.epoch) ? inEpoch : 0;
  return Math.min(1, (done + current) / run.totalEpochs);
}

/** What to tell the user when a run fails: the error, and what to do about the ones we recognise. */
export function failureHint(error: string): string | null {
  // The engine's own messages often say what to do already; don't repeat them.
  if (/\bput them|pass --|set weightsDir|install/i.test(error)) return null;
  if (/weight|model\.json|mobilenet/i.test(error) && /not found|no such|missing|ENOENT|cannot find/i.test(error))
    return 'MobileNetV2 needs its ImageNet weights: put the model folder (model.json + shards) under the library’s models folder or set the MobileNetV2 weights folder under Library → Settings, then start again — or train the custom CNN, which needs no weights.';
  if (/not enough|too few|no images|empty/i.test(error)) return 'Import images first, with at least two classes and a few images in each split.';
  if (/backend/i.test(error)) return 'Choose another backend (auto, WebAssembly or JavaScript) and start again.';
  if (/out of memory|OOM/i.test(error)) return 'Use a smaller batch size or image size.';
  return null;
}

function addTrail(trail: TrailPoint[], p: TrailPoint): TrailPoint[] {
  if (!Number.isFinite(p.loss)) return trail;
  // A fine-tune numbers its batches' epochs from 1 again: those would run backwards, so its curve is its epochs alone.
  const last = trail[trail.length - 1];
  if (last && p.x <= last.x) return trail;
  const next = [...trail, p];
  return next.length > TRAIL_MAX ? next.filter((_, i) => i % 2 === 1 || i === next.length - 1) : next;
}

export interface Curves {
  x: number[];
  loss: Array<number | null>;
  accuracy: Array<number | null>;
  valLoss: Array<number | null>;
  valAccuracy: Array<number | null>;
}

/**
 * The charts' data: train curves move every few batches (the running means batch events carry), validation only
 * has a value at each epoch's end, so between two epochs it is drawn on the straight line joining them.
 */
export function curves(run: Pick<LiveRun, 'trail' | 'epochs'>): Curves {
  const at = new Map<number, { loss: number; accuracy: number }>();
  for (const t of run.trail) at.set(t.x, t);
  // An epoch's final metrics replace the last running value of that epoch.
  for (const e of run.epochs) at.set(e.epoch, { loss: e.loss, accuracy: e.accuracy });
  const x = [...at.keys()].sort((a, b) => a - b);
  const val = run.epochs.filter((e) => e.valLoss !== null || e.valAccuracy !== null);
  const interp = (xi: number, key: 'valLoss' | 'valAccuracy'): number | null => {
    const pts = val.filter((e) => e[key] !== null) as Array<EpochMetrics & Record<typeof key, number>>;
    const j = pts.findIndex((e) => e.epoch >= xi);
    if (j < 0) return null;
    if (pts[j]!.epoch === xi) return pts[j]![key];
    if (j === 0) return null;
    const a = pts[j - 1]!;
    const b = pts[j]!;
    return a[key] + ((b[key] - a[key]) * (xi - a.epoch)) / (b.epoch - a.epoch);
  };
  return {
    x,
    loss: x.map((xi) => at.get(xi)!.loss),
    accuracy: x.map((xi) => at.get(xi)!.accuracy),
    valLoss: x.map((xi) => interp(xi, 'valLoss')),
    valAccuracy: x.map((xi) => interp(xi, 'valAccuracy')),
  };
}
