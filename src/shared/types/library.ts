// Importing folders and the state of source files.
// Pure data: no imports from Node, Electron or the DOM, so any side can use them (src/shared/types.ts re-exports all).
import type { Split } from './core';

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ImportReport {
  importId: number;
  folder: string;
  imported: number;
  alreadyPresent: number;
  conflicts: number;
  skipped: SkippedFile[];
  /** Images per class in the library after the import. */
  classes: Record<string, number>;
  seconds: number;
  /** The folder was imported without labels (`paddy import DIR --unlabeled`). */
  unlabeled?: boolean;
  /** Unlabeled files whose bytes were already in the library with a label: they keep it. */
  alreadyLabeled?: number;
}

export interface ImportSummary {
  id: number;
  folder: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'completed' | 'interrupted' | 'failed';
  imported: number;
  alreadyPresent: number;
  conflicts: number;
  skipped: number;
}

export interface Stats {
  total: number;
  classes: Array<{ name: string; total: number } & Record<Split, number>>;
  splits: Record<Split, number>;
  unlabeled: number;
}

/** What Paddy last found at an image's source path: its bytes ('ok'), nothing usable ('missing'), other bytes. */
export type SourceState = 'ok' | 'missing' | 'changed';

export interface SourceCheckResult {
  checked: number;
  ok: number;
  missing: number;
  changed: number;
  /** Files whose size or mtime differed (or were never recorded), so they were hashed. */
  hashed: number;
  seconds: number;
}

export interface RelinkResult {
  /** Missing or changed images under `from` whose file under `to` has their bytes: now ok at the new path. */
  relinked: number;
  /** Images under `from` with no file of the same bytes under `to` (left as they were). */
  unmatched: number;
}
