// `paddy train`: trains a model in a worker process, with a progress bar (batches, epoch metrics, ETA) on a
// terminal or one JSON object with --json. Ctrl-C cancels the run cleanly; a failed run exits non-zero.
import path from 'node:path';
import type { TrainEvent } from '../../../shared/contract';
import type { RunDetail, TrainConfig } from '../../../shared/types';
import { call, withWorkers } from '../call';
import { num, str, UsageError, type Command, type ParsedArgs } from '../command';
import { formatSeconds, ProgressBar } from '../progress';
import { register } from './index';

function list(args: ParsedArgs, key: string): number[] | undefined {
  const v = str(args, key);
  if (v === undefined) return undefined;
  const parts = v.split(',').map((x) => x.trim()).filter(Boolean);
  const nums = parts.map(Number);
  if (!nums.every((n) => Number.isInteger(n) && n > 0)) throw new UsageError(`--${key} must be comma-separated positive integers, e.g. 16,32,64 (got "${v}")`);
  return nums;
}

/** --weights relative to the caller's folder, made absolute: the run stores it and later commands run elsewhere. */
function weightsArg(args: ParsedArgs): string | undefined {
  const dir = str(args, 'weights');
  return dir === undefined ? undefined : path.resolve(dir);
}

/** --x → true, --no-x → false, neither → the default; both at once is a usage error. */
function flag(args: { values: Record<string, unknown> }, name: string): boolean | undefined {
  const on = Boolean(args.values[name]);
  const off = Boolean(args.values[`no-${name}`]);
  if (on && off) throw new UsageError(`--${name} and --no-${name} contradict each other`);
  return on ? true : off ? false : undefined;
}

function configFromArgs(args: ParsedArgs): Partial<TrainConfig> & { model: 'cnn' | 'mobilenetv2' } {
  const model = str(args, 'model');
  if (model !== 'cnn' && model !== 'mobilenetv2') throw new UsageError(`--model must be cnn or mobilenetv2 (got ${model === undefined ? 'nothing' : `"${model}"`})`);
  const backend = str(args, 'backend');
  if (backend !== undefined && !['auto', 'tensorflow', 'wasm', 'cpu'].includes(backend)) throw new UsageError(`--backend must be auto, tensorflow, wasm or cpu (got "${backend}")`);
  const alphaRaw = str(args, 'alpha');
  if (alphaRaw !== undefined && !['1', '1.0', '0.35'].includes(alphaRaw)) throw new UsageError(`--alpha must be 1.0 or 0.35 (got "${alphaRaw}")`);
  if (model === 'cnn') for (const k of ['alpha', 'weights', 'fine-tune-blocks']) if (args.values[k] !== undefined) throw new UsageError(`--${k} applies to --model mobilenetv2 only`);
  if (model === 'mobilenetv2') for (const k of ['image-size', 'filters']) if (args.values[k] !== undefined) throw new UsageError(`--${k} applies to --model cnn only`);
  const c: Record<string, unknown> = {
    model,
    epochs: num(args, 'epochs'),
    batchSize: num(args, 'batch-size'),
    learningRate: num(args, 'lr'),
    seed: num(args, 'seed'),
    backend,
    maxPerClass: num(args, 'max-per-class'),
    dense: list(args, 'dense'),
    dropout: num(args, 'dropout'),
    // Both default on for some models (the CNN augments): each has its --no- form.
    augment: flag(args, 'augment'),
    testViews: flag(args, 'test-views'),
    shapeFeatures: flag(args, 'shape'),
    earlyStopping: flag(args, 'early-stopping'),
  };
  if (model === 'cnn') Object.assign(c, { imageSize: num(args, 'image-size'), filters: list(args, 'filters') });
  else Object.assign(c, { alpha: alphaRaw === undefined ? undefined : Number(alphaRaw), weightsDir: weightsArg(args), fineTuneBlocks: num(args, 'fine-tune-blocks') });
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c as Partial<TrainConfig> & { model: 'cnn' | 'mobilenetv2' };
}

function trainSummary(run: RunDetail) {
  return {
    runId: run.id,
    status: run.status,
    backend: run.backend,
    engine: run.engine,
    // The settings the run used, defaults filled in: what a script needs to know it trained what it meant to.
    config: run.config,
    excludedMissing: run.excludedMissing,
    test: run.test ? { accuracy: run.test.accuracy, macroF1: run.test.macroF1, n: run.test.n, classes: run.test.classes, perClass: run.test.perClass, confusion: run.test.confusion } : null,
    seconds: run.seconds,
    error: run.error,
  };
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a model (custom CNN or MobileNetV2 transfer learning) on the library',
  usage:
    'paddy train --model cnn|mobilenetv2 [--epochs N] [--batch-size N] [--lr X] [--image-size N] [--filters 16,32,64] [--dense 128] [--dropout X] [--alpha 1.0|0.35] [--weights DIR] [--fine-tune-blocks N] [--seed N] [--augment|--no-augment] [--test-views|--no-test-views] [--shape|--no-shape] [--early-stopping|--no-early-stopping] [--backend auto|tensorflow|wasm|cpu] [--max-per-class N] [--json]',
  options: {
    model: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
    'image-size': { type: 'string' }, filters: { type: 'string' }, dense: { type: 'string' }, dropout: { type: 'string' },
    alpha: { type: 'string' }, weights: { type: 'string' }, 'fine-tune-blocks': { type: 'string' }, seed: { type: 'string' },
    augment: { type: 'boolean' }, 'no-augment': { type: 'boolean' }, 'test-views': { type: 'boolean' }, 'no-test-views': { type: 'boolean' }, shape: { type: 'boolean' }, 'no-shape': { type: 'boolean' }, 'early-stopping': { type: 'boolean' }, 'no-early-stopping': { type: 'boolean' }, backend: { type: 'string' }, 'max-per-class': { type: 'string' },
  },
  async run(args, io) {
    const partial = configFromArgs(args);
    const json = Boolean(args.values.json);
    return withWorkers(args, async (ctx) => {
      const bar = new ProgressBar('train', io.interactive);
      let runId: string | null = null;
      /** The failure the worker reported: what to say when the library could not record it (a full disk). */
      let failure: string | null = null;
      const early: TrainEvent[] = [];
      const onEvent = (e: TrainEvent): void => {
        if (e.type === 'failed') failure = e.error;
        if (e.type === 'phase' && e.phase !== 'train') bar.update(e.done, e.total, e.phase);
        else if (e.type === 'started') {
          bar.done();
          if (!json) io.err(`run ${e.runId}: ${e.config.model} on ${e.backend}, ${e.totalEpochs} epochs × ${e.batchesPerEpoch} batches`);
        } else if (e.type === 'engine') {
          bar.done();
          if (!json) io.err(`training steps on ${e.engine}`);
        } else if (e.type === 'batch') bar.update(e.batch, e.batches, `epoch ${e.epoch} loss ${e.loss.toFixed(3)} acc ${e.accuracy.toFixed(3)}${e.etaSeconds !== null ? ` run eta ${formatSeconds(e.etaSeconds)}` : ''}`);
        else if (e.type === 'epoch') {
          bar.done();
          const m = e.metrics;
          if (!json) io.err(`epoch ${m.epoch}: loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)}${m.valLoss !== null ? ` val_loss ${m.valLoss.toFixed(4)} val_acc ${m.valAccuracy!.toFixed(4)}` : ''} (${m.seconds.toFixed(1)} s)`);
        }
      };
      ctx.listen((name, payload) => {
        if (name !== 'train.event') return;
        const e = payload as TrainEvent;
        if (runId === null) early.push(e);
        else if (e.runId === runId) onEvent(e);
      });
      let interrupts = 0;
      const onSigint = (): void => {
        interrupts++;
        if (runId && interrupts === 1) {
          bar.done();
          io.err(`cancelling ${runId}… (Ctrl-C again to quit now)`);
          void call(ctx, 'train.cancel', { runId });
        } else process.exit(130);
      };
      process.on('SIGINT', onSigint);
      try {
        ({ runId } = await call(ctx, 'train.start', { config: partial }));
        for (const e of early.splice(0)) if (e.runId === runId) onEvent(e);
        await ctx.workers.wait(runId);
      } finally {
        process.off('SIGINT', onSigint);
        bar.done();
      }
      let run = await call(ctx, 'runs.get', { runId: runId! });
      // The worker has ended, so the run has too, even when its end could not be written: the next open of the
      // library records it (db/repairs.ts). Say what the worker said.
      if (run.status === 'queued' || run.status === 'running') run = { ...run, status: 'failed', error: failure ?? 'the training worker ended without recording the run\'s end' };
      if (json) io.out(JSON.stringify(trainSummary(run)));
      else if (run.status === 'completed') {
        io.out(`run ${run.id} completed on ${run.backend}${run.engine ? ` · ${run.engine}` : ''}: test accuracy ${(run.test!.accuracy * 100).toFixed(2)}% (n=${run.test!.n}, macro-F1 ${run.test!.macroF1.toFixed(4)}) in ${formatSeconds(run.seconds.total ?? 0)}`);
      }
      if (!json && run.excludedMissing) {
        io.out(`${run.excludedMissing} labeled image${run.excludedMissing === 1 ? ' was' : 's were'} left out: source file missing or changed (paddy sources)`);
      }
      if (run.status === 'completed') return 0;
      io.err(`paddy train: run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}`);
      return run.status === 'cancelled' ? 130 : 1;
    });
  },
};

register(trainCommand);
