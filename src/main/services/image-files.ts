// The only files the image protocol (Electron) and /api/img (web host) may serve: an image's thumbnail inside
// the library, or the source file the library recorded for it — and that only while it is still a regular file
// holding the imported bytes (services/sources.ts). Anything else resolves to null or a refusal.
import fs from 'node:fs';
import path from 'node:path';
import type { Library } from '../library';
import { imageFile } from '../repos/images.repo';
import { sourceRow } from '../repos/sources.repo';
import { findThumbSync } from './import/thumbnails';
import { readSourceBytes } from './sources';

function thumbFile(lib: Library, imageId: number): string | null {
  const row = imageFile(lib.db, imageId);
  if (!row || !/^[0-9a-f]{64}$/.test(row.sha256)) return null;
  const file = findThumbSync(lib, row.sha256);
  if (!file) return null;
  const rel = path.relative(lib.paths.thumbs, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return file;
}

const validId = (imageId: number): boolean => Number.isSafeInteger(imageId) && imageId >= 0;

/**
 * What the hosts serve: a thumbnail's path, or a source image's verified bytes (read once, after the check, from
 * the file's real path without following a link swapped in since), or why a source is refused.
 */
export async function serveImageFile(lib: Library, kind: 'thumb' | 'full', imageId: number): Promise<string | { body: Buffer } | { refused: string } | null> {
  if ((kind !== 'thumb' && kind !== 'full') || !validId(imageId)) return null;
  if (kind === 'thumb') return thumbFile(lib, imageId);
  const r = await readSourceBytes(lib, imageId);
  if (r.ok) return { body: r.bytes };
  return r.state === 'unknown' ? null : { refused: `source ${r.state}: ${r.reason}` };
}

/**
 * The path of a thumbnail, or of a source file that passes the cheap check: a regular file whose size and mtime
 * are the ones recorded when its bytes were last verified, whose real path is below its import folder, and
 * whose recorded state is ok. A source that would need hashing resolves to null here; the hosts use
 * serveImageFile, which hashes.
 */
export function resolveImageFile(lib: Library, kind: 'thumb' | 'full', imageId: number): string | null {
  if ((kind !== 'thumb' && kind !== 'full') || !validId(imageId)) return null;
  if (kind === 'thumb') return thumbFile(lib, imageId);
  const row = sourceRow(lib.db, imageId);
  if (!row || row.state !== 'ok' || row.mtimeMs === null || !path.isAbsolute(row.sourcePath)) return null;
  try {
    const st = fs.statSync(row.sourcePath);
    if (!st.isFile() || st.size !== row.bytes || st.mtimeMs !== row.mtimeMs) return null;
    if (row.folder !== null) {
      const rel = path.relative(fs.realpathSync(row.folder), fs.realpathSync(row.sourcePath));
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
    }
    return row.sourcePath;
  } catch {
    return null;
  }
}
