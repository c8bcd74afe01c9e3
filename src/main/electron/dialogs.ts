// Native pickers for the desktop app (the web host has none: AppContext.dialogs is null there).
import { BrowserWindow, dialog } from 'electron';
import type { Dialogs } from '../api/context';

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'gif', 'avif', 'bmp', 'heic', 'heif'];

export function electronDialogs(parent: () => BrowserWindow | null): Dialogs {
  return {
    async pickFolder() {
      const win = parent();
      const opts = { title: 'Choose a folder', properties: ['openDirectory' as const] };
      const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
    },
    async pickFiles() {
      const win = parent();
      const opts = {
        title: 'Choose images',
        properties: ['openFile' as const, 'multiSelections' as const],
        filters: [{ name: 'Images', extensions: IMAGE_EXTENSIONS }, { name: 'All files', extensions: ['*'] }],
      };
      const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? [] : r.filePaths;
    },
  };
}
