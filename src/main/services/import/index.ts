// importFolder: the one entry point hosts (app, web host, CLI, tests) use to import a folder of class folders.
import os from 'node:os';
import type { Emit } from '../../../shared/contract';
import type { ImportReport } from '../../../shared/types';
import type { Library } from '../../library';
import { createImport, finishImport, getImport, importSkips } from '../../repos/imports.repo';
import { classCounts } from '../stats';
import { DEFAULT_MAX_PIXELS } from './decode';
import { runPipeline } from './pipeline';
import { removeStaleThumbTemps } from './thumbnails';
import { walkImportFolder, walkUnlabeledFolder } from './walk';

export interface ImportOptions {
  emit?: Emit;
  /** Images with more pixels are refused from their header, before decoding (default 100 Mpx). */
  maxPixels?: number;
  /** Files processed at once (default 2 per core, at least 2). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Every image below the folder joins without a label (sub-folders are not classes); known images keep theirs. */
  unlabeled?: boolean;
}

export class ImportCancelled extends Error {
  constructor(public readonly importId: number) {
    super(`import ${importId} was cancelled; what was committed stays, run it again to finish`);
  }
}

export function defaultConcurrency(): number {
  return Math.max(2, Math.min(8, os.availableParallelism() * 2));
}

export async function importFolder(lib: Library, folder: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const started = Date.now();
  const walk = opts.unlabeled ? await walkUnlabeledFolder(folder) : await walkImportFolder(folder);
  removeStaleThumbTemps(lib);
  const importId = createImport(lib.db, walk.root);
  opts.emit?.('import.progress', { importId, done: 0, total: walk.files.length });
  let result;
  try {
    result = await runPipeline(lib, walk.files, {
      importId,
      concurrency: opts.concurrency ?? defaultConcurrency(),
      maxPixels: opts.maxPixels ?? DEFAULT_MAX_PIXELS,
      emit: opts.emit,
      signal: opts.signal,
      walkSkips: walk.skipped,
    });
  } catch (e) {
    finishImport(lib.db, importId, 'failed', (e as Error).message);
    opts.emit?.('library.changed', { reason: 'import' });
    throw e;
  }
  finishImport(lib.db, importId, result.aborted ? 'interrupted' : 'completed');
  opts.emit?.('library.changed', { reason: 'import' });
  if (result.aborted) throw new ImportCancelled(importId);
  return {
    importId,
    folder: walk.root,
    imported: result.imported,
    alreadyPresent: result.alreadyPresent,
    conflicts: result.conflicts,
    skipped: result.skippedFiles,
    classes: classCounts(lib.db),
    seconds: (Date.now() - started) / 1000,
    ...(opts.unlabeled ? { unlabeled: true, alreadyLabeled: result.alreadyLabeled } : {}),
  };
}

/** The stored report of a past import (classes = images per class in the library now). */
export function importReport(lib: Library, importId: number): ImportReport {
  const row = getImport(lib.db, importId);
  if (!row) throw new Error(`no import with id ${importId}`);
  const end = row.finishedAt ? Date.parse(row.finishedAt) : Date.now();
  return {
    importId,
    folder: row.folder,
    imported: row.imported,
    alreadyPresent: row.alreadyPresent,
    conflicts: row.conflicts,
    skipped: importSkips(lib.db, importId),
    classes: classCounts(lib.db),
    seconds: Math.max(0, (end - Date.parse(row.startedAt)) / 1000),
  };
}

export { listImports } from '../../repos/imports.repo';
