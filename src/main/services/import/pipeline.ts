// The import pipeline: read + hash + decode + thumbnail several files at a time (sharp works on libuv's pool),
// then commit the results in input order, in batches, each batch one transaction that writes images, sources,
// folder labels, journal rows, splits, skips and the import's counts together. A kill between batches leaves
// every committed image complete (its thumbnail was renamed into place before the commit).
// The pieces: FileProcessor (process-file.ts) turns one file into an Outcome; CommitWindow keeps outcomes in
// input order and decides when a batch is ready; commitBatch/applyOutcome write a batch; runPipeline runs the
// workers and handles cancel and library-write failures.
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
} from '../../repos/images.repo';
import { currentLabels, insertJournalRow, nextJournalBatch, writeLabel } from '../../repos/labels.repo';
import { imageAtPath, markChanged, markSourceSeen, replaceImageBytes } from '../../repos/sources.repo';
import { writeTx } from '../../repos/statements';
import { addImportSkip, updateImportCounts, type ImportCounts } from '../../repos/imports.repo';
import { assignSplits, type SplitCandidate } from '../splits';
import { FileProcessor, LibraryWriteError, type Outcome } from './process-file';
import { UNLABELED, type Candidate } from './walk';

export { LibraryWriteError };

export const BATCH_SIZE = 256;
/** How far processing may run ahead of the commit point: bounds memory whatever one slow file does. */
const WINDOW = BATCH_SIZE * 4;

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
  /** Unlabeled files whose bytes were already in the library with a label (kept). */
  alreadyLabeled: number;
}

type Db = Library['db'];

/** What the batches of one run add up to, besides the rows: the counts, the skip list, the class ids used. */
interface Tally {
  importId: number;
  counts: ImportCounts;
  skippedFiles: SkippedFile[];
  classIds: Map<string, number>;
  alreadyLabeled: number;
}

/** What all files of one batch share: when it was written, its journal batch, and the images new to splits. */
interface BatchContext {
  at: string;
  journalBatch: number;
  fresh: SplitCandidate[];
}

function recordSkip(db: Db, tally: Tally, s: SkippedFile): void {
  addImportSkip(db, tally.importId, s);
  tally.skippedFiles.push(s);
  tally.counts.skipped++;
}

/** Writes one file's outcome (inside its batch's transaction): a new image, one more source of a known one, or a skip. */
function applyOutcome(db: Db, tally: Tally, batch: BatchContext, file: Candidate, o: Outcome): void {
  const { counts } = tally;
  if (o.kind === 'skip') return recordSkip(db, tally, { path: file.path, reason: o.reason });
  const existing = findImageBySha(db, o.sha);
  // The image recorded at this path, if any: a path is one image, whatever its bytes became since.
  const atPath = imageAtPath(db, file.path);
  if (existing) {
    if (atPath?.id === existing.id) markSourceSeen(db, existing.id, o.mtimeMs ?? null, batch.at);
    // The file now holds another image's bytes: the image recorded here lost its source (kept, marked changed,
    // so its label and runs stay until relinked or removed).
    else if (atPath) markChanged(db, atPath.id, batch.at);
    if (hasImageSource(db, existing.id, file.path)) {
      counts.alreadyPresent++;
      if (file.className === UNLABELED && existing.className !== null) tally.alreadyLabeled++;
      return;
    }
    // An unlabeled copy of a known image is one more place it was seen, never a conflict: the image keeps its label.
    if (file.className === UNLABELED) {
      addImageSource(db, existing.id, file.path, UNLABELED, tally.importId);
      counts.alreadyPresent++;
      if (existing.className !== null) tally.alreadyLabeled++;
      return;
    }
    const known = imageSourceClasses(db, existing.id).filter((c) => c !== UNLABELED);
    addImageSource(db, existing.id, file.path, file.className, tally.importId);
    if (existing.className === null && known.length === 0) {
      // Imported before without a label, now found in a class folder: the folder labels it and it gets a split.
      labelFromFolder(db, tally, batch, existing.id, o.sha, file.className);
      counts.alreadyPresent++;
      return;
    }
    if (known.length > 0 && !known.includes(file.className)) {
      markConflict(db, existing.id);
      counts.conflicts++;
    } else counts.alreadyPresent++;
    return;
  }
  if (o.kind === 'known') {
    // Known when processed but gone now: cannot happen while this process is the only writer.
    return recordSkip(db, tally, { path: file.path, reason: 'duplicate of a file that could not be imported' });
  }
  if (file.className === UNLABELED) return insertUnlabeled(db, tally, batch, file, o, atPath?.id);
  let classId = tally.classIds.get(file.className);
  if (classId === undefined) {
    classId = ensureClass(db, file.className);
    tally.classIds.set(file.className, classId);
  }
  if (atPath) return replaceAtPath(db, tally, batch, file, o, atPath.id, classId);
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
      importId: tally.importId,
    },
    batch.at,
  );
  addImageSource(db, imageId, file.path, file.className, tally.importId);
  markSourceSeen(db, imageId, o.mtimeMs, batch.at);
  insertFolderLabel(db, imageId, classId, batch.journalBatch, batch.at);
  batch.fresh.push({ imageId, sha256: o.sha, classId });
  counts.imported++;
}

/** A new image without a label: no class, no label, no split until it is labeled (services/unlabeled/label-splits.ts). */
function insertUnlabeled(db: Db, tally: Tally, batch: BatchContext, file: Candidate, o: Extract<Outcome, { kind: 'new' }>, atPathId: number | undefined): void {
  if (atPathId !== undefined) {
    // The path's file now holds new bytes: the image takes them and keeps its label, split and history.
    replaceImageBytes(db, atPathId, { sha256: o.sha, bytes: o.bytes, width: o.width, height: o.height, format: o.format, mtimeMs: o.mtimeMs }, batch.at);
    addImageSource(db, atPathId, file.path, UNLABELED, tally.importId);
    tally.counts.imported++;
    return;
  }
  const imageId = insertImage(
    db,
    { sha256: o.sha, sourcePath: file.path, fileName: path.basename(file.path), width: o.width, height: o.height, format: o.format, bytes: o.bytes, importId: tally.importId },
    batch.at,
  );
  addImageSource(db, imageId, file.path, UNLABELED, tally.importId);
  markSourceSeen(db, imageId, o.mtimeMs, batch.at);
  tally.counts.imported++;
}

/** A known unlabeled image found in a class folder: the folder's label (journaled) and a split. */
function labelFromFolder(db: Db, tally: Tally, batch: BatchContext, imageId: number, sha: string, className: string): void {
  let classId = tally.classIds.get(className);
  if (classId === undefined) {
    classId = ensureClass(db, className);
    tally.classIds.set(className, classId);
  }
  insertFolderLabel(db, imageId, classId, batch.journalBatch, batch.at);
  batch.fresh.push({ imageId, sha256: sha, classId });
}

/**
 * A path already in the library whose file now holds new bytes: the same image row takes them (new sha, size,
 * mtime, dimensions; the new thumbnail was written by the processor), keeping its split and history; its label
 * becomes the folder's class (journaled as a 'folder' change). Cached features and pixels are keyed by sha, so
 * the old bytes' rows simply stop being used. Counted as imported.
 */
function replaceAtPath(db: Db, tally: Tally, batch: BatchContext, file: Candidate, o: Extract<Outcome, { kind: 'new' }>, imageId: number, classId: number): void {
  replaceImageBytes(db, imageId, { sha256: o.sha, bytes: o.bytes, width: o.width, height: o.height, format: o.format, mtimeMs: o.mtimeMs }, batch.at);
  addImageSource(db, imageId, file.path, file.className, tally.importId);
  const old = currentLabels(db, [imageId])[0]?.classId ?? null;
  if (old !== classId) {
    writeLabel(db, imageId, classId, 'folder', batch.at);
    insertJournalRow(db, batch.journalBatch, imageId, old, classId, 'folder', batch.at);
  }
  tally.counts.imported++;
}

/** One batch: the skips found since the last one, then each file's outcome in input order, then splits and counts. */
function commitBatch(db: Db, tally: Tally, skips: SkippedFile[], items: Array<[Candidate, Outcome]>): void {
  // IMMEDIATE: the batch reads (next journal batch, known hashes, classes) before it writes, and a deferred
  // transaction cannot wait for the write lock once it has read: another process's import or relabel would
  // make this one fail with "database is locked" instead of waiting its turn.
  writeTx(db, () => {
    const batch: BatchContext = { at: new Date().toISOString(), journalBatch: nextJournalBatch(db), fresh: [] };
    for (const s of skips) recordSkip(db, tally, s);
    for (const [file, o] of items) applyOutcome(db, tally, batch, file, o);
    if (batch.fresh.length) assignSplits(db, batch.fresh);
    updateImportCounts(db, tally.importId, tally.counts);
  });
}

/**
 * Outcomes in input order and the commit point. Workers finish out of order; a batch is committed once every
 * file before it has an outcome, and workers wait rather than run more than WINDOW files past the commit point.
 */
class CommitWindow {
  private readonly outcomes: Array<Outcome | undefined>;
  private committed = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly files: Candidate[],
    private pendingSkips: SkippedFile[],
    private readonly write: (skips: SkippedFile[], items: Array<[Candidate, Outcome]>) => void,
  ) {
    this.outcomes = new Array(files.length);
  }

  record(i: number, o: Outcome): void {
    this.outcomes[i] = o;
  }

  hasRoomFor(i: number): boolean {
    return i - this.committed < WINDOW;
  }

  waitForRoom(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiting worker (after a commit, or when the run stops and no commit will come). */
  wakeAll(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }

  /** Commits the finished prefix once it is a batch long, or whatever there is (walk skips included) when `force`. */
  flush(force: boolean): void {
    const from = this.committed;
    let upTo = from;
    while (upTo < this.files.length && this.outcomes[upTo] !== undefined) upTo++;
    if (upTo === from && !(force && this.pendingSkips.length)) return;
    if (!force && upTo - from < BATCH_SIZE) return;
    const items: Array<[Candidate, Outcome]> = [];
    for (let i = from; i < upTo; i++) items.push([this.files[i]!, this.outcomes[i]!]);
    this.write(this.pendingSkips, items);
    this.pendingSkips = [];
    for (let i = from; i < upTo; i++) this.outcomes[i] = undefined;
    this.committed = upTo;
    this.wakeAll();
  }
}

/** Progress events, at most one per 100 ms unless forced. The clock is monotonic: the wall clock can be stepped
 * or slewed under a virtual machine, and two events 100 wall-clock ms apart were seen 97 real ms apart. */
function progressReporter(opts: PipelineOptions, total: number): (done: number, force: boolean, current?: string) => void {
  let last = -Infinity;
  return (done, force, current) => {
    if (!opts.emit) return;
    const now = performance.now();
    if (!force && now - last < 100) return;
    last = now;
    opts.emit('import.progress', { importId: opts.importId, done, total, ...(current ? { current } : {}) });
  };
}

export async function runPipeline(lib: Library, files: Candidate[], opts: PipelineOptions): Promise<PipelineResult> {
  const tally: Tally = {
    importId: opts.importId,
    counts: { total: files.length, imported: 0, alreadyPresent: 0, conflicts: 0, skipped: 0 },
    skippedFiles: [],
    classIds: new Map(),
    alreadyLabeled: 0,
  };
  const window = new CommitWindow(files, [...opts.walkSkips], (skips, items) => commitBatch(lib.db, tally, skips, items));
  const processor = new FileProcessor(lib, opts.maxPixels);
  const progress = progressReporter(opts, files.length);
  let next = 0;
  let done = 0;
  let aborted = false;
  let failure: LibraryWriteError | null = null;

  const worker = async (): Promise<void> => {
    while (next < files.length) {
      if (opts.signal?.aborted) {
        aborted = true;
        return;
      }
      if (!window.hasRoomFor(next)) {
        await window.waitForRoom();
        continue;
      }
      const i = next++;
      const file = files[i]!;
      let o: Outcome;
      try {
        o = await processor.process(file.path);
      } catch (e) {
        if (e instanceof LibraryWriteError) {
          failure ??= e;
          next = files.length; // the other workers stop after their current file
          window.wakeAll(); // and one waiting for the commit window must not wait for a batch that will never come
          return;
        }
        o = { kind: 'skip', reason: `could not be imported: ${(e as Error).message}` };
      }
      window.record(i, o);
      done++;
      progress(done, false, path.relative(path.dirname(path.dirname(file.path)), file.path));
      window.flush(false);
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  // After a library-write failure this keeps what is complete (everything before the failed file) first.
  window.flush(true);
  if (failure) throw failure;
  progress(done, true);
  return { ...tally.counts, skippedFiles: tally.skippedFiles, aborted, alreadyLabeled: tally.alreadyLabeled };
}
