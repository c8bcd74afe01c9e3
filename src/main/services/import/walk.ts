// Finds the images of an import: the folder's immediate sub-folders are classes, every regular file anywhere
// below a class folder is a candidate. Symlinks are followed; loops (a link back to an ancestor, or a link to
// itself) are reported, never followed forever. Folders are known by (device, inode), not by path, so a folder
// reached again by another way within a class is walked once: a "diamond" of links (two links per level to
// the next level) would otherwise give 2^levels paths to the same files. Names that are not valid UTF-8 are
// reported as such: their lossy string form names no file, and a path Paddy stores must open again later.
// Order is deterministic (sorted by name).
import { isUtf8 } from 'node:buffer';
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

export function kindOf(st: import('node:fs').Stats | import('node:fs').BigIntStats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A folder's identity: (device, inode), read as bigints (64-bit inode numbers do not fit a double). A file
 * system that reports no inodes (0) falls back to the folder's real path.
 */
async function folderIdentity(dir: string): Promise<string> {
  const st = await fs.stat(dir, { bigint: true });
  return st.ino ? `${st.dev}:${st.ino}` : `path:${await fs.realpath(dir)}`;
}

/**
 * Names in `dir` that are not valid UTF-8, as the (lossy) strings a plain readdir gave, each with the reason to
 * report. Only folders with a U+FFFD in some name are read a second time, as raw bytes.
 */
async function nonUtf8Names(dir: string, names: string[]): Promise<Map<string, string>> {
  const bad = new Map<string, string>();
  if (!names.some((n) => n.includes('\uFFFD'))) return bad;
  let raw;
  try {
    raw = await fs.readdir(dir, { encoding: 'buffer', withFileTypes: true });
  } catch {
    return bad;
  }
  for (const d of raw) {
    const name = d.name as unknown as Buffer;
    if (!isUtf8(name)) bad.set(name.toString('utf8'), d.isDirectory() ? 'folder name is not valid UTF-8' : 'file name is not valid UTF-8');
  }
  return bad;
}

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
  const rootId = await folderIdentity(root);
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
  const badNames = await nonUtf8Names(root, entries);
  for (const name of entries) {
    if (ignored(name)) continue;
    const p = path.join(given, name);
    const badName = badNames.get(name);
    if (badName) {
      result.skipped.push({ path: p, reason: badName });
      continue;
    }
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
      await walkClass(p, className, [rootId], new Map(), result);
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

/**
 * Walks one folder of a class. `ancestors` are the identities of the folders above it (a link to one of them is
 * a loop); `walked` maps each folder already walked in this class to the path it was first walked by.
 */
async function walkClass(dir: string, className: string, ancestors: string[], walked: Map<string, string>, out: WalkResult): Promise<void> {
  let id: string;
  try {
    id = await folderIdentity(dir);
  } catch (e) {
    out.skipped.push({ path: dir, reason: fsReason(e, 'folder') });
    return;
  }
  if (ancestors.includes(id)) {
    const real = await fs.realpath(dir).catch(() => dir);
    out.skipped.push({ path: dir, reason: `symlink loop: this folder links back to ${real}` });
    return;
  }
  const first = walked.get(id);
  if (first !== undefined) {
    out.skipped.push({ path: dir, reason: `same folder as ${first} (reached again through a symlink); its files are imported once` });
    return;
  }
  walked.set(id, dir);
  let entries: import('node:fs').Dirent[];
  try {
    entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
  } catch (e) {
    out.skipped.push({ path: dir, reason: fsReason(e, 'folder') });
    return;
  }
  const chain = [...ancestors, id];
  const subdirs: string[] = [];
  const badNames = await nonUtf8Names(dir, entries.map((e) => e.name));
  for (const entry of entries) {
    if (ignored(entry.name)) continue;
    const p = path.join(dir, entry.name);
    const badName = badNames.get(entry.name);
    if (badName) {
      out.skipped.push({ path: p, reason: badName });
      continue;
    }
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
  for (const d of subdirs) await walkClass(d, className, chain, walked, out);
}

/** The class name an unlabeled file carries through the pipeline (real class names are never empty). */
export const UNLABELED = '';

/**
 * Finds the images of an unlabeled import (`paddy import DIR --unlabeled`): every regular file anywhere below
 * `folder`, sub-folders included (they are not classes), with the same link, loop and name rules as a class
 * folder's walk. Throws (one readable line) when the folder cannot be imported at all.
 */
export async function walkUnlabeledFolder(folder: string): Promise<WalkResult> {
  const given = path.resolve(folder);
  let st;
  try {
    st = await fs.stat(given);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `folder not found: ${given}` : `cannot open folder ${given}: ${fsReason(e, 'folder')}`);
  }
  if (!st.isDirectory()) throw new Error(`not a folder: ${given} (give a folder of images to import without labels)`);
  const result: WalkResult = { root: given, classes: [], files: [], skipped: [] };
  await walkClass(given, UNLABELED, [], new Map(), result);
  if (!result.files.length && !result.skipped.length) throw new Error(`${given} is empty: no image files in it`);
  return result;
}
