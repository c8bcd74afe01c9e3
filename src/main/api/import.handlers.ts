import type { HandlerGroup } from './context';
import { importDemo } from '../services/demo';
import { exportLibrary } from '../services/export';
import { importFolder, importReport, listImports } from '../services/import/index';

export const importHandlers: HandlerGroup<
  | 'import.folder'
  | 'import.demo'
  | 'import.list'
  | 'import.report'
  | 'export.folder'
> = {
  'import.folder': (input, ctx) => importFolder(ctx.library(), input.folder, { emit: ctx.emit }),
  'import.demo': (_input, ctx) => importDemo(ctx.library(), { emit: ctx.emit }),
  'import.list': (_input, ctx) => listImports(ctx.library().db),
  'import.report': (input, ctx) => importReport(ctx.library(), input.importId),
  'export.folder': (input, ctx) => exportLibrary(ctx.library(), input.outDir, { csv: input.csv, mode: input.mode ?? 'copy' }),
};
