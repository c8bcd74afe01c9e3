// Finds the images of an import: the folder's immediate sub-folders are classes, every regular file anywhere
// below a class folder is a candidate. Symlinks are followed; loops (a link back to an ancestor, or a link to
// itself) are reported, never followed forever. Order is deterministic (sorted by name).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SkippedFile } from '../../../shared/types';

export interface Candidate {
  path: string;
  className: string;
}

export interface WalkResult {
  root: string;
  classes: string[];
  files: Candidate[];
  skipped: SkippedFile[];
}

/** OS and editor droppings that are not images and not worth a line in the report. */
const IGNORED = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini', '.directory', '.localized']);
const ignored = (name: string): boolean => IGNORED.has(name) || name.startsWith('._') || name === '.git';

/** A person-readable reason for a file-system error. */
export function fsReason(e: unknown, what: 'file' | 'folder' = 'file'): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return what === 'folder' ? 'permission denied (cannot list folder)' : 'permission denied';
    case 'ELOOP':
      return 'symlink loop';
    case 'ENOENT':
      return what === 'folder' ? 'folder disappeared during import' : 'broken symlink or file disappeared during import';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EIO':
      return 'read error (I/O error from the disk)';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return `cannot read: ${code ?? (e as Error).message}`;
  }
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Throws (one readable line) when `folder` cannot be imported at all. */
export async function walkImportFolder(folder: string): Promise<WalkResult> {
  const given = path.resolve(folder);
  let root: string;
  try {
    root = await fs.realpath(given);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `folder not found: ${given}` : `cannot open folder ${given}: ${fsReason(e, 'folder')}`);
  }
  const rootStat = await fs.stat(root);
  if (!rootStat.isDirectory()) throw new Error(`not a folder: ${given} (give a folder with one sub-folder per class)`);

  const result: WalkResult = { root: given, classes: [], files: [], skipped: [] };
  let entries: string[];
  try {
    entries = (await fs.readdir(root)).sort(byName);
  } catch (e) {
    throw new Error(`cannot read folder ${given}: ${fsReason(e, 'folder')}`);
  }
  const topFiles: string[] = [];
  let sawClassFolder = false;
  for (const name of entries) {
    if (ignored(name)) continue;
    const p = path.join(given, name);
    let st;
    try {
      st = await fs.stat(p);
    } catch (e) {
      result.skipped.push({ path: p, reason: fsReason(e) });
      continue;
    }
    if (st.isDirectory()) {
      sawClassFolder = true;
      const className = name.normalize('NFC');
      const before = result.files.length;
      const beforeSkips = result.skipped.length;
      await walkClass(p, className, [root], result);
      if (result.files.length === before) {
        if (result.skipped.length === beforeSkips) result.skipped.push({ path: p, reason: 'empty class folder: no image files in it' });
      } else if (!result.classes.includes(className)) result.classes.push(className);
    } else {
      topFiles.push(p);
    }
  }
  if (!sawClassFolder) {
    throw new Error(
      topFiles.length
        ? `${given} has no class sub-folders: put each class's images in a sub-folder named after the class`
        : `${given} is empty: give a folder with one sub-folder per class`,
    );
  }
  for (const p of topFiles) {
    result.skipped.push({ path: p, reason: 'not inside a class folder (files must be in a sub-folder named after their class)' });
  }
  return result;
}

async function walkClass(dir: string, className: string, ancestors: string[], out: WalkResult): Promise<void> {
  let real: string;
  try {
    real = await fs.realpath(dir);
  } catch (e) {
    out.skipped.push({ path: dir, reason: fsReason(e, 'folder') });
    return;
  }
  if (ancestors.includes(real)) {
    out.skipped.push({ path: dir, reason: `symlink loop: this folder links back to ${real}` });
    return;
  }
  let entries: import('node:fs').Dirent[];
  try {
    entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
  } catch (e) {
    out.skipped.push({ path: dir, reason: fsReason(e, 'folder') });
    return;
  }
  const chain = [...ancestors, real];
  const subdirs: string[] = [];
  for (const entry of entries) {
    if (ignored(entry.name)) continue;
    const p = path.join(dir, entry.name);
    // The directory entry's type is enough for plain files and folders; only links (and file systems that do
    // not report types) need a stat, which keeps a 75,000-file walk to one readdir per folder.
    if (entry.isFile()) {
      out.files.push({ path: p, className });
      continue;
    }
    if (entry.isDirectory()) {
      subdirs.push(p);
      continue;
    }
    let st;
    try {
      st = await fs.stat(p);
    } catch (e) {
      out.skipped.push({ path: p, reason: fsReason(e) });
      continue;
    }
    if (st.isDirectory()) subdirs.push(p);
    else if (st.isFile()) out.files.push({ path: p, className });
    else out.skipped.push({ path: p, reason: `not an image: ${kindOf(st)}` });
  }
  for (const d of subdirs) await walkClass(d, className, chain, out);
}
