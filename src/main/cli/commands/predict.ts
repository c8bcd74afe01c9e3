// `paddy predict --run ID FILE...`: class probabilities per file; a file that cannot be read is reported on
// its own line (and makes the exit code 1) without stopping the others. Ctrl-C cancels (exit 130).
import path from 'node:path';
import { call, withWorkers } from '../call';
import { register } from './index';
import { str, UsageError, type Command } from '../command';
import { cancellableJob } from '../job-cancel';

export const predictCommand: Command = {
  name: 'predict',
  summary: "Classify image files with a run's model",
  usage: 'paddy predict --run ID FILE... [--json]',
  options: { run: { type: 'string' } },
  async run(args, io) {
    const runId = str(args, 'run');
    if (!runId) throw new UsageError('--run ID is required (see `paddy runs`)');
    if (!args.positionals.length) throw new UsageError('give at least one image file');
    return withWorkers(args, async (ctx) => {
      const paths = args.positionals.map((p) => path.resolve(p));
      const results = await cancellableJob(ctx, io, 'runs.predict', () => call(ctx, 'runs.predict', { runId, paths }));
      if (args.values.json) io.out(JSON.stringify(results));
      else {
        for (const r of results) {
          if (r.error) io.out(`${r.path}: error: ${r.error}`);
          else io.out(`${r.path}: ${r.predicted} (${(r.probabilities[r.predicted!]! * 100).toFixed(1)}%)`);
        }
      }
      return results.some((r) => r.error) ? 1 : 0;
    });
  },
};

register(predictCommand);
