// The only files the image protocol (Electron) and /api/img (web host) may serve: an image's thumbnail inside
// the library, or the source file the library recorded for it. Anything else resolves to null.
import fs from 'node:fs';
import path from 'node:path';
import type { Library } from '../library';
import { imageFile } from '../repos/images.repo';
import { thumbPath } from './import/thumbnails';

export function resolveImageFile(lib: Library, kind: 'thumb' | 'full', imageId: number): string | null {
  if (kind !== 'thumb' && kind !== 'full') return null;
  if (!Number.isSafeInteger(imageId) || imageId < 0) return null;
  const row = imageFile(lib.db, imageId);
  if (!row) return null;
  let file: string;
  if (kind === 'thumb') {
    if (!/^[0-9a-f]{64}$/.test(row.sha256)) return null;
    file = thumbPath(lib, row.sha256);
    const rel = path.relative(lib.paths.thumbs, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  } else {
    file = row.source_path;
    if (!path.isAbsolute(file)) return null;
  }
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}
