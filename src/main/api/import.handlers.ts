import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { importDemo } from '../services/demo';
import { importFolder, importReport, listImports } from '../services/import/index';

export const importHandlers: HandlerGroup<Extract<RequestName, `import.${string}`>> = {
  'import.folder': (input, ctx) => importFolder(ctx.library(), input.folder, { emit: ctx.emit }),
  'import.demo': (_input, ctx) => importDemo(ctx.library(), { emit: ctx.emit }),
  'import.list': (_input, ctx) => listImports(ctx.library().db),
  'import.report': (input, ctx) => importReport(ctx.library(), input.importId),
  // Unlabeled import (#14)
  'import.unlabeled': (input, ctx) => importFolder(ctx.library(), input.folder, { emit: ctx.emit, unlabeled: true }),
};
