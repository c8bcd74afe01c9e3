// The import pipeline: read + hash + decode + thumbnail several files at a time (sharp works on libuv's pool),
// then commit the results in input order, in batches, each batch one transaction that writes images, sources,
// folder labels, journal rows, splits, skips and the import's counts together. A kill between batches leaves
// every committed image complete (its thumbnail was renamed into place before the commit).
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Emit } from '../../../shared/contract';
import type { SkippedFile } from '../../../shared/types';
import type { Library } from '../../library';
import { ensureClass } from '../../repos/classes.repo';
import {
  addImageSource,
  findImageBySha,
  hasImageSource,
  imageSourceClasses,
  insertFolderLabel,
  insertImage,
  markConflict,
  nextJournalBatch,
} from '../../repos/images.repo';
import { addImportSkip, updateImportCounts, type ImportCounts } from '../../repos/imports.repo';
import { assignSplits, type SplitCandidate } from '../splits';
import { decodeImage } from './decode';
import { thumbPath, writeThumb } from './thumbnails';
import { fsReason, type Candidate } from './walk';

export class LibraryWriteError extends Error {}

async function fileExists(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).size > 0;
  } catch {
    return false;
  }
}

export const BATCH_SIZE = 256;
/** How far processing may run ahead of the commit point: bounds memory whatever one slow file does. */
const WINDOW = BATCH_SIZE * 4;

type Outcome =
  | { kind: 'new'; sha: string; bytes: number; width: number; height: number; format: string }
  | { kind: 'known'; sha: string }
  | { kind: 'skip'; reason: string; sha?: string };

export interface PipelineOptions {
  importId: number;
  concurrency: number;
  maxPixels: number;
  emit?: Emit;
  signal?: AbortSignal;
  /** Skips found while walking, committed with the first batch. */
  walkSkips: SkippedFile[];
}

export interface PipelineResult extends ImportCounts {
  skippedFiles: SkippedFile[];
  aborted: boolean;
}

export async function runPipeline(lib: Library, files: Candidate[], opts: PipelineOptions): Promise<PipelineResult> {
  const { db } = lib;
  const counts: ImportCounts = { total: files.length, imported: 0, alreadyPresent: 0, conflicts: 0, skipped: 0 };
  const skippedFiles: SkippedFile[] = [];
  const outcomes: Array<Outcome | undefined> = new Array(files.length);
  /**
   * Bytes already handled in this run (sha → the first copy's outcome), so a duplicate is not decoded twice.
   * A duplicate waits for that outcome and carries it: workers finish out of order, and whichever copy comes
   * first in commit (input) order must be the one inserted, the later ones becoming sources or conflicts.
   */
  const seen = new Map<string, Promise<Outcome>>();
  const classIds = new Map<string, number>();
  let next = 0;
  let committed = 0;
  let done = 0;
  let lastEmit = 0;
  let pendingSkips = [...opts.walkSkips];
  let wake: (() => void) | null = null;
  let aborted = false;
  let failure: LibraryWriteError | null = null;

  const progress = (force: boolean, current?: string): void => {
    if (!opts.emit) return;
    const now = Date.now();
    if (!force && now - lastEmit < 100) return;
    lastEmit = now;
    opts.emit('import.progress', { importId: opts.importId, done, total: files.length, ...(current ? { current } : {}) });
  };

  const commit = db.transaction((upTo: number) => {
    const at = new Date().toISOString();
    const batch = nextJournalBatch(db);
    const fresh: SplitCandidate[] = [];
    for (const s of pendingSkips) {
      addImportSkip(db, opts.importId, s);
      skippedFiles.push(s);
      counts.skipped++;
    }
    pendingSkips = [];
    for (let i = committed; i < upTo; i++) {
      const o = outcomes[i]!;
      const file = files[i]!;
      const skip = (reason: string): void => {
        const s = { path: file.path, reason };
        addImportSkip(db, opts.importId, s);
        skippedFiles.push(s);
        counts.skipped++;
      };
      if (o.kind === 'skip') {
        skip(o.reason);
        continue;
      }
      const existing = findImageBySha(db, o.sha);
      if (existing) {
        if (hasImageSource(db, existing.id, file.path)) {
          counts.alreadyPresent++;
          continue;
        }
        const known = imageSourceClasses(db, existing.id);
        addImageSource(db, existing.id, file.path, file.className, opts.importId);
        if (known.length > 0 && !known.includes(file.className)) {
          markConflict(db, existing.id);
          counts.conflicts++;
        } else counts.alreadyPresent++;
        continue;
      }
      if (o.kind === 'known') {
        // Known when processed but gone now: cannot happen while this process is the only writer.
        skip('duplicate of a file that could not be imported');
        continue;
      }
      let classId = classIds.get(file.className);
      if (classId === undefined) {
        classId = ensureClass(db, file.className);
        classIds.set(file.className, classId);
      }
      const imageId = insertImage(
        db,
        {
          sha256: o.sha,
          sourcePath: file.path,
          fileName: path.basename(file.path),
          width: o.width,
          height: o.height,
          format: o.format,
          bytes: o.bytes,
          importId: opts.importId,
        },
        at,
      );
      addImageSource(db, imageId, file.path, file.className, opts.importId);
      insertFolderLabel(db, imageId, classId, batch, at);
      fresh.push({ imageId, sha256: o.sha, classId });
      counts.imported++;
    }
    if (fresh.length) assignSplits(db, fresh);
    updateImportCounts(db, opts.importId, counts);
  });

  const flush = (force: boolean): void => {
    let upTo = committed;
    while (upTo < files.length && outcomes[upTo] !== undefined) upTo++;
    if (upTo === committed && !(force && pendingSkips.length)) return;
    if (!force && upTo - committed < BATCH_SIZE) return;
    commit(upTo);
    for (let i = committed; i < upTo; i++) outcomes[i] = undefined;
    committed = upTo;
    wake?.();
    wake = null;
  };

  const writeThumbOrFail = async (sha: string, thumb: Buffer): Promise<void> => {
    try {
      await writeThumb(lib, sha, thumb);
    } catch (e) {
      // The library, not the source file, is at fault (disk full, read-only): stop instead of skipping the rest.
      throw new LibraryWriteError(`cannot write thumbnails in ${lib.paths.thumbs}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };

  const processOne = async (i: number): Promise<Outcome> => {
    const file = files[i]!;
    let buf: Buffer;
    try {
      buf = await fsp.readFile(file.path);
    } catch (e) {
      return { kind: 'skip', reason: fsReason(e) };
    }
    if (buf.length === 0) return { kind: 'skip', reason: 'empty file (0 bytes)' };
    const sha = crypto.createHash('sha256').update(buf).digest('hex');
    const first = seen.get(sha);
    if (first) return first;
    const outcome = decodeNew(buf, sha);
    seen.set(sha, outcome);
    return outcome;
  };

  const decodeNew = async (buf: Buffer, sha: string): Promise<Outcome> => {
    if (findImageBySha(db, sha)) {
      // Already in the library: only a missing thumbnail (thumbs/ deleted or damaged) needs work.
      if (await fileExists(thumbPath(lib, sha))) return { kind: 'known', sha };
      const again = await decodeImage(buf, opts.maxPixels);
      if (again.ok) await writeThumbOrFail(sha, again.thumb);
      return { kind: 'known', sha };
    }
    const d = await decodeImage(buf, opts.maxPixels);
    if (!d.ok) return { kind: 'skip', reason: d.reason, sha };
    await writeThumbOrFail(sha, d.thumb);
    return { kind: 'new', sha, bytes: buf.length, width: d.width, height: d.height, format: d.format };
  };

  const worker = async (): Promise<void> => {
    while (next < files.length) {
      if (opts.signal?.aborted) {
        aborted = true;
        return;
      }
      if (next - committed >= WINDOW) {
        await new Promise<void>((resolve) => {
          const prev = wake;
          wake = () => {
            prev?.();
            resolve();
          };
        });
        continue;
      }
      const i = next++;
      let o: Outcome;
      try {
        o = await processOne(i);
      } catch (e) {
        if (e instanceof LibraryWriteError) {
          failure ??= e;
          next = files.length; // the other workers stop after their current file
          wake?.(); // and one waiting for the commit window must not wait for a batch that will never come
          wake = null;
          return;
        }
        o = { kind: 'skip', reason: `could not be imported: ${(e as Error).message}` };
      }
      outcomes[i] = o;
      done++;
      progress(false, path.relative(path.dirname(path.dirname(files[i]!.path)), files[i]!.path));
      flush(false);
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  if (failure) {
    // Keep what is complete (everything before the failed file), then report the failure.
    flush(true);
    throw failure;
  }
  flush(true);
  progress(true);
  return { ...counts, skippedFiles, aborted };
}
