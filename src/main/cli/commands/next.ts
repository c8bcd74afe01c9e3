// `paddy next --run ID --n N`: the N unlabeled images most worth a human look — the run's least certain
// suggestions, spread out over the cached features (services/unlabeled/review-queue.ts).
import { call, withLibrary } from '../call';
import { num, str, UsageError, type Command } from '../command';
import { register } from './index';

export const nextCommand: Command = {
  name: 'next',
  summary: 'List the unlabeled images to label next: least certain suggestions first, spread out (after `paddy prelabel`)',
  usage: 'paddy next --run ID [--n N] [--library DIR] [--json]',
  options: { run: { type: 'string' }, n: { type: 'string' } },
  async run(args, io) {
    const runId = str(args, 'run');
    if (!runId) throw new UsageError('--run ID is required (the run that pre-labeled; see `paddy runs`)');
    const n = num(args, 'n', 20)!;
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new UsageError(`--n must be a whole number from 1 to 10000 (got ${n})`);
    if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    return withLibrary(args, async (ctx) => {
      const q = await call(ctx, 'suggestions.next', { runId, n });
      if (args.values.json) {
        io.out(JSON.stringify({ runId: q.runId, pool: q.pool, diversity: q.diversity, images: q.images.map(({ imageId, path, suggested, confidence, score }) => ({ imageId, path, suggested, confidence, score })) }));
        return 0;
      }
      io.out(`${q.images.length} of ${q.pool} unlabeled image(s) to review (diversity: ${q.diversity}):`);
      for (const im of q.images) io.out(`  ${im.score.toFixed(3)}  ${im.suggested.padEnd(12)} ${(im.confidence * 100).toFixed(0).padStart(3)}%  ${im.path}`);
      return 0;
    });
  },
};

register(nextCommand);
