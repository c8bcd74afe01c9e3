import type { HandlerGroup } from './context';
import { notImplemented } from './not-implemented';

export const importHandlers: HandlerGroup<
  | 'import.folder'
  | 'import.demo'
  | 'import.list'
  | 'import.report'
  | 'export.folder'
> = {
  'import.folder': () => notImplemented('import.folder'),
  'import.demo': () => notImplemented('import.demo'),
  'import.list': () => notImplemented('import.list'),
  'import.report': () => notImplemented('import.report'),
  'export.folder': () => notImplemented('export.folder'),
};
