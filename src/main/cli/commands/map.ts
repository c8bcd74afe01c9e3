// `paddy map`: a 2-D map (UMAP) of every readable image of the library, from the cached MobileNetV2 features
// or a run's penultimate layer, computed in a worker (features first when missing) and cached in the library.
// Ctrl-C cancels (exit 130).
import { call, withWorkers } from '../call';
import { str, UsageError, type Command } from '../command';
import { cancellableJob } from '../job-cancel';
import { phaseBars } from '../progress';
import type { MapSource } from '../../../shared/types';
import { register } from './index';

const PHASES: Record<string, string> = { features: 'features  ', pca: 'pca       ', neighbours: 'neighbours', layout: 'layout    ' };

export const mapCommand: Command = {
  name: 'map',
  summary: 'A 2-D map (UMAP) of every image, from the cached features or a run; cached in the library',
  usage: 'paddy map [--library DIR] [--source features|run:ID] [--weights DIR] [--json]',
  options: { source: { type: 'string' }, weights: { type: 'string' } },
  async run(args, io) {
    const source = str(args, 'source') ?? 'features';
    if (!/^(features|run:[a-z0-9-]{1,64})$/.test(source)) throw new UsageError(`--source must be "features" or "run:ID" (got "${source}")`);
    const weights = str(args, 'weights');
    return withWorkers(args, async (ctx) => {
      const bars = phaseBars(ctx.listen, 'map.progress', io.interactive, PHASES);
      let map;
      try {
        map = await cancellableJob(ctx, io, 'map.compute', () => call(ctx, 'map.compute', { source: source as MapSource, ...(weights ? { weightsDir: weights } : {}) }), () => bars.done());
      } finally {
        bars.stop();
      }
      if (args.values.json) {
        io.out(JSON.stringify({ points: map.points, source: map.source, method: map.method, params: map.params, seconds: map.seconds }));
        return 0;
      }
      const total = Object.values(map.seconds).reduce((a, b) => a + b, 0);
      io.out(`Mapped ${map.points.length} images from ${map.source} with ${map.method} (${total.toFixed(1)} s; cached in the library). Use --json for the points.`);
      return 0;
    });
  },
};

register(mapCommand);
