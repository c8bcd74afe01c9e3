// "Show in folder" (#11): the desktop shell opens the system file manager at an image's source file or at what
// the last export wrote. The page never names a path: an image id is resolved through the library, and "the
// last export" is the folder export.folder, or the file export.onnx, last answered with in this app. Electron's
// shell.showItemInFolder is passed in as `reveal`, so the checks run (and are tested) without Electron.
import fs from 'node:fs';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { SHOW_IN_FOLDER_CHANNEL, showInFolderSchema, type RequestName, type Result } from '../../shared/contract';
import type { Library } from '../library';
import { imageFile } from '../repos/images.repo';

export interface ShowInFolderDeps {
  library: () => Library;
  /** The last destination an export of this kind wrote in this app (null: none yet). */
  lastExport: (kind: ExportKind) => string | null;
  /** Electron's shell.showItemInFolder. */
  reveal: (fullPath: string) => void;
}

export type ExportKind = 'dataset' | 'onnx';

/** What a successful export request wrote, from its result: the dataset folder or the .onnx file. */
export function exportDestination(name: RequestName, value: unknown): { kind: ExportKind; path: string } | null {
  const v = value as { outDir?: unknown; file?: unknown } | null;
  if (name === 'export.folder' && typeof v?.outDir === 'string') return { kind: 'dataset', path: v.outDir };
  if (name === 'export.onnx' && typeof v?.file === 'string') return { kind: 'onnx', path: v.file };
  return null;
}

export function showInFolder(input: unknown, deps: ShowInFolderDeps): Result<{ path: string }> {
  const parsed = showInFolderSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: "Show in folder: give an image id ({ imageId }) or an export ({ lastExport: 'dataset' | 'onnx' })" };
  let target: string;
  if ('imageId' in parsed.data) {
    const row = imageFile(deps.library().db, parsed.data.imageId);
    if (!row) return { ok: false, error: `Show in folder: image ${parsed.data.imageId} is not in the library` };
    target = row.source_path;
  } else {
    const last = deps.lastExport(parsed.data.lastExport);
    if (!last) return { ok: false, error: `Show in folder: no ${parsed.data.lastExport === 'onnx' ? 'model' : 'dataset'} has been exported yet` };
    target = last;
  }
  if (!fs.existsSync(target)) return { ok: false, error: `Show in folder: ${target} is no longer there` };
  deps.reveal(target);
  return { ok: true, value: { path: target } };
}

/** The one IPC handler beside the requests; only the Paddy window may call it. */
export function registerShellIpc(ipcMain: IpcMain, deps: ShowInFolderDeps, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): () => void {
  ipcMain.handle(SHOW_IN_FOLDER_CHANNEL, (event, input: unknown): Result<{ path: string }> => {
    if (!isTrustedSender(event)) return { ok: false, error: 'Show in folder: refused, the caller is not the Paddy window' };
    try {
      return showInFolder(input, deps);
    } catch (e) {
      return { ok: false, error: `Show in folder: ${e instanceof Error ? e.message : String(e)}` };
    }
  });
  return () => ipcMain.removeHandler(SHOW_IN_FOLDER_CHANNEL);
}
