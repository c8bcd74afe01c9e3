// `paddy similar FILE...`: the library images most like each file (cosine distance over MobileNetV2 features),
// for files inside or outside the library. Runs in a worker: features missing from the cache are computed
// first, those of outside files extracted. A file that cannot be read is reported on its own (exit 1).
import path from 'node:path';
import { call, withWorkers } from '../call';
import { num, str, UsageError, type Command } from '../command';
import { cancellableJob } from '../job-cancel';
import { phaseBars } from '../progress';
import { register } from './index';

export const similarCommand: Command = {
  name: 'similar',
  summary: 'The library images most similar to each file (cosine over MobileNetV2 features)',
  usage: 'paddy similar FILE... [--library DIR] [--top K] [--weights DIR] [--json]',
  options: { top: { type: 'string' }, weights: { type: 'string' } },
  async run(args, io) {
    const k = num(args, 'top');
    if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > 200)) throw new UsageError(`--top must be a whole number from 1 to 200 (got "${str(args, 'top')}")`);
    if (!args.positionals.length) throw new UsageError('give at least one image file');
    const weights = str(args, 'weights');
    return withWorkers(args, async (ctx) => {
      const paths = args.positionals.map((p) => path.resolve(p));
      const bars = phaseBars(ctx.listen, 'similar.progress', io.interactive);
      let results;
      try {
        results = await cancellableJob(ctx, io, 'similar.files', () =>
          call(ctx, 'similar.files', { paths, ...(k !== undefined ? { k } : {}), ...(weights ? { weightsDir: weights } : {}) }), () => bars.done());
      } finally {
        bars.stop();
      }
      if (args.values.json) {
        io.out(JSON.stringify({
          results: results.map((r) => ({ path: r.path, ...(r.imageId !== null ? { imageId: r.imageId } : {}), neighbours: r.neighbours, ...(r.error ? { error: r.error } : {}) })),
        }));
      } else {
        for (const r of results) {
          if (r.error) {
            io.out(`${r.path}: error: ${r.error}`);
            continue;
          }
          io.out(`${r.path}${r.imageId !== null ? ` (library image #${r.imageId})` : ''}:`);
          for (const n of r.neighbours) io.out(`  ${n.distance.toFixed(4)}  #${n.imageId}  ${n.label ?? '(unlabeled)'}  ${n.path}`);
        }
      }
      return results.some((r) => r.error) ? 1 : 0;
    });
  },
};

register(similarCommand);
