import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { similarToImage } from '../services/similar';

export const similarHandlers: HandlerGroup<Extract<RequestName, `similar.${string}`>> = {
  // A library image: the host's in-memory index answers in milliseconds. A file or an upload needs its features
  // extracted (a model load, seconds): the worker does it.
  'similar.query': async (input, ctx) => {
    // The first query of a large library waits for the index to be built by the similar.index job (progress:
    // similar.progress, Cancel: jobs.cancel); an exact index is built here at once.
    if (input.imageId !== undefined) {
      const lib = ctx.library();
      return similarToImage(lib, input.imageId, input.k, () => ctx.workers.runJob(lib, 'similar.index', {}));
    }
    const files = input.path !== undefined ? { paths: [input.path] } : { uploads: [input.upload!] };
    const [result] = await ctx.workers.runJob(ctx.library(), 'similar.files', { ...files, ...(input.k ? { k: input.k } : {}) });
    return result!;
  },
  'similar.files': (input, ctx) => ctx.workers.runJob(ctx.library(), 'similar.files', input),
  'similar.index': (input, ctx) => ctx.workers.runJob(ctx.library(), 'similar.index', input),
};
