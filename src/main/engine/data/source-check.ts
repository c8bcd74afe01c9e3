// Is an image's source file still the file Paddy imported? Checked wherever source bytes are read (the image
// routes, export, training, evaluation, label review, relink), cheaply: a stat and two realpaths when nothing
// changed, a SHA-256 of the file only when its size or mtime differ from what was recorded (or none was).
//
// A source is usable only if it is a regular file (links followed) and its bytes are the image's sha256:
//  - gone, unreadable, a folder, FIFO, device or socket → 'missing';
//  - other bytes (edited, replaced, a path swapped for a link to some other file) → 'changed'.
// "Below the folder it was imported from": the importer follows links, including links out of the folder, so a
// file whose real path lies outside its import's real folder is served only after its bytes are hashed and
// match, every time (never on size + mtime alone). A path swapped for a link to /etc/hostname therefore never
// passes: outside the folder, and other bytes. Images from no import (tests, older rows) skip the folder test.
// Lives in the engine (training reads sources, and the engine may not import services); the services reach it
// through services/sources.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { SourceState } from '../../../shared/types';
import type { Library } from '../../library';
import { recordVerdicts, sourceRows, type SourceRow, type SourceVerdict } from '../../repos/sources.repo';

export interface SourceCheck {
  state: SourceState;
  /** Why it is not ok (for reports), or how it was verified. */
  reason: string;
  /** The file's real path when state is ok: what callers read, so a link swapped after the check is not followed. */
  real?: string;
  mtimeMs?: number;
  /** True when the file was hashed (size/mtime differed, nothing recorded, or outside its folder). */
  hashed: boolean;
}

const inside = (child: string, dir: string): boolean => {
  const rel = path.relative(dir, child);
  return rel !== '' && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel);
};

/** SHA-256 of a file read through one descriptor that is verified to be a regular file (not a FIFO swapped in). */
async function hashRegularFile(file: string): Promise<string | null> {
  const h = await fsp.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    if (!(await h.stat()).isFile()) return null;
    const hash = crypto.createHash('sha256');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (let pos = 0; ; ) {
      const { bytesRead } = await h.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return hash.digest('hex');
  } finally {
    await h.close();
  }
}

function hashRegularFileSync(file: string): string | null {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    if (!fs.fstatSync(fd).isFile()) return null;
    const hash = crypto.createHash('sha256');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (let pos = 0; ; ) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      pos += n;
    }
    return hash.digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}

/** Real paths of import folders, per check batch (a folder that is gone maps to null). */
export type FolderCache = Map<string, Promise<string | null>>;

function realFolder(folder: string, cache: FolderCache): Promise<string | null> {
  let p = cache.get(folder);
  if (!p) cache.set(folder, (p = fsp.realpath(folder).catch(() => null)));
  return p;
}

type Pre = SourceCheck | { hash: true; real: string; within: boolean; mtimeMs: number };

const missingCheck = (reason: string): SourceCheck => ({ state: 'missing', reason, hashed: false });
const unreadable = (e: unknown): SourceCheck =>
  (e as NodeJS.ErrnoException).code === 'ENOENT'
    ? missingCheck('source file no longer exists')
    : missingCheck(`source file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);

/** The verdict from a stat and the real paths alone, or that the file must be hashed. */
function beforeHash(row: SourceRow, st: fs.Stats, real: string, root: string | null, forceHash: boolean): Pre {
  if (!st.isFile()) return missingCheck(st.isDirectory() ? 'source path is now a folder' : 'source path is not a regular file');
  const within = row.folder === null || (root !== null && inside(real, root));
  if (within && !forceHash && row.mtimeMs !== null && st.size === row.bytes && st.mtimeMs === row.mtimeMs) {
    return { state: 'ok', reason: 'size and mtime unchanged', real, mtimeMs: st.mtimeMs, hashed: false };
  }
  if (st.size !== row.bytes) return { state: 'changed', reason: `source file changed since import (${st.size} bytes, imported ${row.bytes})`, hashed: false };
  return { hash: true, real, within, mtimeMs: st.mtimeMs };
}

function afterHash(row: SourceRow, pre: Extract<Pre, { hash: true }>, sha: string | null): SourceCheck {
  if (sha === null) return missingCheck('source path is not a regular file');
  if (sha !== row.sha256) return { state: 'changed', reason: 'source file changed since import (different bytes)', hashed: true };
  // Outside its folder the bytes are trusted only as hashed now: no mtime is recorded that would skip the next hash.
  return {
    state: 'ok',
    reason: pre.within ? 'same bytes' : 'same bytes (outside its import folder)',
    real: pre.real,
    mtimeMs: pre.within ? pre.mtimeMs : undefined,
    hashed: true,
  };
}

/** The verdict on one image's source file. Never throws; records nothing (see checkSources / checkAndRecord). */
export async function checkSourceFile(row: SourceRow, folders: FolderCache = new Map(), forceHash = false): Promise<SourceCheck> {
  if (!path.isAbsolute(row.sourcePath)) return missingCheck('source path is not absolute');
  let pre: Pre;
  try {
    const st = await fsp.stat(row.sourcePath);
    const real = await fsp.realpath(row.sourcePath);
    pre = beforeHash(row, st, real, row.folder === null ? null : await realFolder(row.folder, folders), forceHash);
  } catch (e) {
    return unreadable(e);
  }
  if (!('hash' in pre)) return pre;
  try {
    return afterHash(row, pre, await hashRegularFile(pre.real));
  } catch (e) {
    return unreadable(e);
  }
}

/** checkSourceFile without yielding, for synchronous callers (export); `folders`: real folder paths by folder. */
export function checkSourceFileSync(row: SourceRow, folders: Map<string, string | null> = new Map()): SourceCheck {
  if (!path.isAbsolute(row.sourcePath)) return missingCheck('source path is not absolute');
  let pre: Pre;
  try {
    const st = fs.statSync(row.sourcePath);
    const real = fs.realpathSync(row.sourcePath);
    let root: string | null = null;
    if (row.folder !== null) {
      if (!folders.has(row.folder)) folders.set(row.folder, (() => { try { return fs.realpathSync(row.folder!); } catch { return null; } })());
      root = folders.get(row.folder)!;
    }
    pre = beforeHash(row, st, real, root, false);
  } catch (e) {
    return unreadable(e);
  }
  if (!('hash' in pre)) return pre;
  try {
    return afterHash(row, pre, hashRegularFileSync(pre.real));
  } catch (e) {
    return unreadable(e);
  }
}

function verdictOf(row: SourceRow, c: SourceCheck): SourceVerdict | null {
  const mtimeChanged = c.state === 'ok' && c.mtimeMs !== undefined && c.mtimeMs !== row.mtimeMs;
  if (c.state === row.state && !mtimeChanged) return null;
  return { id: row.id, state: c.state, ...(mtimeChanged ? { mtimeMs: c.mtimeMs } : {}) };
}

export interface CheckProgress {
  done: number;
  total: number;
}

export interface CheckedSources {
  /** Per input row, in input order. */
  checks: SourceCheck[];
  rows: SourceRow[];
  hashed: number;
}

/**
 * Checks these images' sources (all when `ids` is undefined), a few at a time, and records every changed verdict
 * in one transaction at the end. `onProgress` at most every 64 files.
 */
export async function checkSources(
  lib: Library,
  ids?: readonly number[],
  opts: { onProgress?: (p: CheckProgress) => void; signal?: AbortSignal; concurrency?: number } = {},
): Promise<CheckedSources> {
  const rows = sourceRows(lib.db, ids);
  const checks: SourceCheck[] = new Array(rows.length);
  const folders: FolderCache = new Map();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      const i = next++;
      checks[i] = await checkSourceFile(rows[i]!, folders);
      done++;
      if (done % 64 === 0 || done === rows.length) opts.onProgress?.({ done, total: rows.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, rows.length)) }, worker));
  recordChecks(lib, rows, checks);
  return { checks, rows, hashed: checks.filter((c) => c.hashed).length };
}

/** Records the verdicts of checks made outside checkSources (only those that change something), in one transaction. */
export function recordChecks(lib: Library, rows: readonly SourceRow[], checks: readonly SourceCheck[]): void {
  const verdicts = rows.map((r, i) => verdictOf(r, checks[i]!)).filter((v): v is SourceVerdict => v !== null);
  if (verdicts.length) recordVerdicts(lib.db, verdicts);
}
