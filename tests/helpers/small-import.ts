// A tiny real import: a few rice JPEGs from ../shared copied into a temp class-folder tree, imported for real.
import fs from 'node:fs';
import path from 'node:path';
import type { Library } from '../../src/main/library';
import { importFolder } from '../../src/main/services/import/index';
import type { ImportReport } from '../../src/shared/types';
import { RICE_DIR, tempDir } from './tmp';

export function smallRiceFolder(classes = ['Arborio', 'Basmati'], perClass = 2): string {
  const root = tempDir('paddy-src-');
  for (const c of classes) {
    fs.mkdirSync(path.join(root, c));
    const files = fs.readdirSync(path.join(RICE_DIR, c)).filter((f) => f.endsWith('.jpg')).sort().slice(0, perClass);
    for (const f of files) fs.copyFileSync(path.join(RICE_DIR, c, f), path.join(root, c, f));
  }
  return root;
}

export async function importSmallRice(lib: Library): Promise<ImportReport> {
  return importFolder(lib, smallRiceFolder());
}
