// `paddy predict-all --run ID`: the run's model predicts every image of the library (not only its test split) and
// stores each prediction with its split, in-sample (train) ones marked, for Browse's filters and sorts. Training
// does this itself; this is for runs from before, and for images added since. Ctrl-C cancels (exit 130).
import { call, withWorkers } from '../call';
import { str, UsageError, type Command } from '../command';
import { cancellableJob } from '../job-cancel';
import { ProgressBar } from '../progress';
import { register } from './index';

export const predictAllCommand: Command = {
  name: 'predict-all',
  summary: "Store a run's prediction for every image of the library (train ones marked in-sample)",
  usage: 'paddy predict-all --run ID [--library DIR] [--json]',
  options: { run: { type: 'string' } },
  async run(args, io) {
    const runId = str(args, 'run');
    if (!runId) throw new UsageError('--run ID is required (see `paddy runs`)');
    return withWorkers(args, async (ctx) => {
      const bar = new ProgressBar('predict', io.interactive);
      const stop = ctx.listen((name, payload) => {
        if (name === 'runs.predictProgress') bar.update((payload as { done: number }).done, (payload as { total: number }).total);
      });
      try {
        const r = await cancellableJob(ctx, io, 'runs.predictAll', () => call(ctx, 'runs.predictAll', { runId }), () => bar.done());
        bar.done();
        if (args.values.json) io.out(JSON.stringify(r));
        else {
          const b = r.bySplit;
          io.out(`predicted ${r.predicted} images with ${runId}: train ${b.train} (in-sample), val ${b.val}, test ${b.test}, outside the run ${b.none}`);
        }
        return 0;
      } finally {
        stop();
      }
    });
  },
};

register(predictAllCommand);
