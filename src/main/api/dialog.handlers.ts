import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';

// Native pickers exist only in Electron; the browser studio types a path instead.
export const dialogHandlers: HandlerGroup<Extract<RequestName, `dialog.${string}`>> = {
  'dialog.pickFolder': (_input, ctx) => {
    if (!ctx.dialogs) throw new Error('folder dialogs are only available in the desktop app; type the folder path');
    return ctx.dialogs.pickFolder();
  },
  'dialog.pickFiles': (_input, ctx) => {
    if (!ctx.dialogs) throw new Error('file dialogs are only available in the desktop app; type the file paths');
    return ctx.dialogs.pickFiles();
  },
};
