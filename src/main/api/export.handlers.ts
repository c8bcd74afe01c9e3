import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { exportLibrary } from '../services/export';

export const exportHandlers: HandlerGroup<Extract<RequestName, `export.${string}`>> = {
  'export.folder': (input, ctx) => exportLibrary(ctx.library(), input.outDir, { csv: input.csv, mode: input.mode ?? 'copy' }),
};
