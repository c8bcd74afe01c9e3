// Source files after import: read an image's bytes only if they are still the bytes imported, check the whole
// library (Library view, `paddy sources --check`), relink a moved folder, and remove what is missing.
// The verdict itself (stat, realpath, hash) is engine/data/source-check.ts, which training uses too.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Emit } from '../../shared/contract';
import type { RelinkResult, SourceCheckResult, SourceState } from '../../shared/types';
import type { Library } from '../library';
import { checkSourceFile, checkSources, type SourceCheck } from '../engine/data/source-check';
import { badSourceIds, deleteImages, recordVerdicts, relinkImages, sourceRow, sourceRows, type SourceRow } from '../repos/sources.repo';
import { removeThumbs } from './import/thumbnails';

export { checkSources, type SourceCheck };

export type SourceBytes = { ok: true; bytes: Buffer; row: SourceRow } | { ok: false; state: SourceState | 'unknown'; reason: string };

const sha256 = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

/**
 * An image's source bytes, verified: the path's real file, opened without following a link swapped in after the
 * realpath, must be a regular file; its bytes are hashed unless size and mtime match what was recorded (and it
 * lies below its import folder). Anything else is refused and recorded as missing/changed.
 */
export async function readSourceBytes(lib: Library, imageId: number): Promise<SourceBytes> {
  const row = sourceRow(lib.db, imageId);
  if (!row) return { ok: false, state: 'unknown', reason: `no image ${imageId}` };
  const check = await checkSourceFile(row, new Map(), false);
  const refuse = (state: SourceState, reason: string): SourceBytes => {
    if (row.state !== state) recordVerdicts(lib.db, [{ id: row.id, state }]);
    return { ok: false, state, reason };
  };
  if (check.state !== 'ok' || !check.real) return refuse(check.state === 'ok' ? 'missing' : check.state, check.reason);
  let bytes: Buffer;
  let mtimeMs: number;
  try {
    const h = await fsp.open(check.real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
      const st = await h.stat();
      if (!st.isFile()) return refuse('missing', 'source path is not a regular file');
      if (st.size !== row.bytes) return refuse('changed', 'source file changed since import');
      bytes = await h.readFile();
      mtimeMs = st.mtimeMs;
    } finally {
      await h.close();
    }
  } catch (e) {
    return refuse('missing', `source file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // The stat-only verdict trusted size + mtime; the bytes in hand are what is served, so a file rewritten in the
  // same size and second since is caught by hashing when the mtime moved (and cheap: the bytes are in memory).
  if (check.hashed || mtimeMs !== row.mtimeMs) {
    if (sha256(bytes) !== row.sha256) return refuse('changed', 'source file changed since import (different bytes)');
  }
  if (row.state !== 'ok' || (check.mtimeMs !== undefined && check.mtimeMs !== row.mtimeMs)) {
    recordVerdicts(lib.db, [{ id: row.id, state: 'ok', ...(check.mtimeMs !== undefined ? { mtimeMs: check.mtimeMs } : {}) }]);
  }
  return { ok: true, bytes, row };
}

/** Checks every image's source and records the verdicts; progress as 'sources.progress'. */
export async function checkLibrarySources(lib: Library, emit?: Emit, signal?: AbortSignal): Promise<SourceCheckResult> {
  const t0 = performance.now();
  const { checks, hashed } = await checkSources(lib, undefined, {
    signal,
    onProgress: (p) => emit?.('sources.progress', p),
  });
  const count = (s: SourceState) => checks.filter((c) => c.state === s).length;
  emit?.('library.changed', { reason: 'sources' });
  return {
    checked: checks.length,
    ok: count('ok'),
    missing: count('missing'),
    changed: count('changed'),
    hashed,
    seconds: Math.round(performance.now() - t0) / 1000,
  };
}

/**
 * A moved or renamed folder: every image recorded under `from` whose file exists under `to` (same relative path)
 * with the image's bytes gets the new path. Images already fine at their old path are left there.
 */
export async function relinkFolder(lib: Library, from: string, to: string, emit?: Emit): Promise<RelinkResult> {
  const oldRoot = path.resolve(from);
  const newRoot = path.resolve(to);
  if (!fs.existsSync(newRoot) || !fs.statSync(newRoot).isDirectory()) throw new Error(`${newRoot}: not a folder`);
  const prefix = oldRoot.endsWith(path.sep) ? oldRoot : oldRoot + path.sep;
  const under = sourceRows(lib.db).filter((r) => r.sourcePath.startsWith(prefix));
  if (!under.length) throw new Error(`no image in this library was imported from below ${oldRoot}`);
  const moved: Array<{ id: number; path: string; mtimeMs: number }> = [];
  let unmatched = 0;
  const folders = new Map<string, Promise<string | null>>();
  for (const r of under) {
    const candidate = path.join(newRoot, r.sourcePath.slice(prefix.length));
    // The new file is judged as if imported from the new root: a regular file below it with the image's bytes.
    const c = await checkSourceFile({ ...r, sourcePath: candidate, folder: newRoot, mtimeMs: null }, folders, true);
    if (c.state === 'ok' && c.mtimeMs !== undefined) moved.push({ id: r.id, path: candidate, mtimeMs: c.mtimeMs });
    else unmatched++;
  }
  relinkImages(lib.db, oldRoot, newRoot, moved, new Date().toISOString());
  if (moved.length) emit?.('library.changed', { reason: 'sources' });
  return { relinked: moved.length, unmatched };
}

/**
 * Deletes every image found missing or changed — those the last check recorded, checked once more so a file
 * that came back is kept — with its labels, journal rows, split, run rows and suspects (one transaction), then
 * its thumbnail. Returns how many were removed.
 */
export async function removeMissing(lib: Library, emit?: Emit): Promise<{ removed: number }> {
  const recorded = badSourceIds(lib.db);
  if (!recorded.length) return { removed: 0 };
  const { rows, checks } = await checkSources(lib, recorded);
  const ids = rows.filter((_, i) => checks[i]!.state !== 'ok').map((r) => r.id);
  if (!ids.length) return { removed: 0 };
  const gone = deleteImages(lib.db, ids);
  for (const g of gone) {
    if (/^[0-9a-f]{64}$/.test(g.sha256)) removeThumbs(lib, g.sha256);
  }
  emit?.('library.changed', { reason: 'sources' });
  return { removed: gone.length };
}
