import fs from 'node:fs';
import path from 'node:path';
import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { exportRunOnnx } from '../engine/onnx/export/export-run';
import { exportLibraryWithProgress } from '../services/export';
import { getSettings } from '../services/settings';

/** Where the studio's ONNX export writes: a folder gets `paddy-<run>.onnx`; an existing file is never replaced. */
function onnxTarget(outFile: string, runId: string): string {
  const target = path.resolve(outFile);
  const existing = fs.statSync(target, { throwIfNoEntry: false });
  const file = existing?.isDirectory() ? path.join(target, `paddy-${runId}.onnx`) : target;
  if (fs.existsSync(file)) throw new Error(`${file} already exists: choose a new file name`);
  return file;
}

export const exportHandlers: HandlerGroup<Extract<RequestName, `export.${string}`>> = {
  'export.folder': (input, ctx) =>
    exportLibraryWithProgress(ctx.library(), input.outDir, { csv: input.csv, mode: input.mode ?? 'copy' }, {
      onProgress: (p) => ctx.emit('export.progress', p),
    }),
  'export.onnx': (input, ctx) => {
    const lib = ctx.library();
    return exportRunOnnx(lib, input.runId, onnxTarget(input.outFile, input.runId), { weightsDir: getSettings(lib.db).weightsDir });
  },
};
