// `paddy suspects`: scan the library for likely mislabeled images (k-fold out-of-sample probabilities +
// confident learning + near-duplicates) and print the review queue, best first. Ctrl-C cancels the scan (exit
// 130); the previous queue stays as it was.
import { call, withWorkers } from '../call';
import { num, str, UsageError, type Command } from '../command';
import { cancellableJob } from '../job-cancel';
import { phaseBars } from '../progress';
import { register } from './index';

const PHASES: Record<string, string> = {
  features: 'features      ',
  'cross-validation': 'cross-validate',
  'near-duplicates': 'near-dupes    ',
};

export const suspectsCommand: Command = {
  name: 'suspects',
  summary: 'Find likely mislabeled images: a ranked review queue with a suggested label for each',
  usage: 'paddy suspects [--library DIR] [--top N] [--folds K] [--weights DIR] [--alpha 1.0|0.35] [--json]',
  options: { top: { type: 'string' }, folds: { type: 'string' }, weights: { type: 'string' }, alpha: { type: 'string' } },
  async run(args, io) {
    const top = num(args, 'top');
    const folds = num(args, 'folds');
    const alphaArg = str(args, 'alpha');
    if (alphaArg !== undefined && !['1', '1.0', '0.35'].includes(alphaArg)) throw new UsageError(`--alpha must be 1.0 or 0.35 (got "${alphaArg}")`);
    const alpha: 1 | 0.35 | undefined = alphaArg === undefined ? undefined : alphaArg === '0.35' ? 0.35 : 1;
    const weights = str(args, 'weights');
    const input = {
      ...(top !== undefined ? { top } : {}),
      ...(folds !== undefined ? { folds } : {}),
      ...(alpha !== undefined ? { alpha } : {}),
      ...(weights ? { weightsDir: weights } : {}),
    };
    // The scan runs in a worker process (workers/jobs.ts), like training.
    return withWorkers(args, async (ctx) => {
      const bars = phaseBars(ctx.listen, 'suspects.progress', io.interactive, PHASES);
      let scan;
      try {
        scan = await cancellableJob(ctx, io, 'suspects.scan', () => call(ctx, 'suspects.scan', input), () => bars.done());
      } finally {
        bars.stop();
      }
      if (args.values.json) {
        io.out(
          JSON.stringify({
            suspects: scan.suspects.map((s) => ({
              imageId: s.imageId,
              path: s.path,
              label: s.label,
              suggested: s.suggested,
              score: Math.round(s.score * 1e4) / 1e4,
              kind: s.kind,
            })),
            scanned: scan.scanned,
            seconds: Math.round(scan.seconds * 100) / 100,
          }),
        );
        return 0;
      }
      io.out(`Scanned ${scan.scanned} images in ${scan.seconds.toFixed(1)} s: ${scan.suspects.length} suspect${scan.suspects.length === 1 ? '' : 's'} shown, most likely mislabeled first.`);
      for (const s of scan.suspects) {
        const tag = s.kind === 'near-duplicate' ? ' (near-duplicate)' : '';
        io.out(`  ${s.score.toFixed(3)}  #${s.imageId}  ${s.label} → ${s.suggested}${tag}  ${s.path}`);
      }
      return 0;
    });
  },
};

register(suspectsCommand);
