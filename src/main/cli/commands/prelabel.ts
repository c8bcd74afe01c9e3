// `paddy prelabel --run ID`: the run suggests a class for every unlabeled image (in a worker, progress bar on
// stderr, Ctrl-C cancels with exit 130; chunks already stored stay). Prints what it suggested and how many
// suggestions "accept all ≥ T" would take at the default threshold, with the validation error rate expected there.
import { DEFAULT_ACCEPT_THRESHOLD } from '../../services/unlabeled/accept';
import { call, withWorkers } from '../call';
import { str, UsageError, type Command } from '../command';
import { cancellableJob } from '../job-cancel';
import { ProgressBar } from '../progress';
import { register } from './index';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export const prelabelCommand: Command = {
  name: 'prelabel',
  summary: 'Suggest a class for every unlabeled image with a run (accept them in the studio or review with `paddy next`)',
  usage: 'paddy prelabel --run ID [--library DIR] [--json]',
  options: { run: { type: 'string' } },
  async run(args, io) {
    const runId = str(args, 'run');
    if (!runId) throw new UsageError('--run ID is required (see `paddy runs`)');
    if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    return withWorkers(args, async (ctx) => {
      const bar = new ProgressBar('prelabel', io.interactive);
      const stop = ctx.listen((name, payload) => {
        if (name === 'runs.prelabelProgress') bar.update((payload as { done: number }).done, (payload as { total: number }).total);
      });
      try {
        const r = await cancellableJob(ctx, io, 'runs.prelabel', () => call(ctx, 'runs.prelabel', { runId }), () => bar.done());
        bar.done();
        const preview = await call(ctx, 'suggestions.preview', { threshold: DEFAULT_ACCEPT_THRESHOLD });
        if (args.values.json) {
          io.out(JSON.stringify({ ...r, accept: preview }));
          return 0;
        }
        io.out(`pre-labeled ${r.predicted} unlabeled image(s) with ${runId} in ${r.seconds.toFixed(1)} s (confidence: ${r.calibrated ? 'calibrated' : 'softmax'})`);
        for (const [name, n] of Object.entries(r.byClass)) io.out(`  ${name}: ${n}`);
        const err = preview.expectedErrorRate === null ? 'no validation images at that confidence' : `expected error ${pct(preview.expectedErrorRate)} (on ${preview.valCount} validation images)`;
        io.out(`${preview.count} suggestion(s) have confidence ≥ ${preview.threshold}: ${err}`);
        if (r.skipped.length) {
          io.out(`Skipped ${r.skipped.length}:`);
          for (const s of r.skipped.slice(0, 10)) io.out(`  ${s.path}: ${s.reason}`);
          if (r.skipped.length > 10) io.out(`  … and ${r.skipped.length - 10} more (use --json for the full list)`);
        }
        return 0;
      } finally {
        stop();
      }
    });
  },
};

register(prelabelCommand);
