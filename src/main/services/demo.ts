// The built-in sample: 200 real photos of rice grains, 40 in each of five varieties, from the CC0 Rice Image
// Dataset (resources/sample-rice/LICENSE.txt says whose and where from). They are copied into the library
// (<library>/cache/demo-source/<Class>/) and imported from there like any folder: the library then refers to
// files it owns, not to the app's install folder, which is read-only and moves when the app is updated.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportReport } from '../../shared/types';
import type { Library } from '../library';
import { importFolder, type ImportOptions } from './import/index';
import { projectRoot } from '../util/project-root';

export const SAMPLE_FOLDER = 'sample-rice';

/**
 * Where the shipped sample is: the packaged app's resources folder (electron-builder extraResources), else the
 * project's resources/ (util/project-root: from src/ under tsx, the CLI bundle or the Electron build).
 */
export function findSampleDir(): string {
  const candidates: string[] = [];
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(path.join(resourcesPath, SAMPLE_FOLDER));
  candidates.push(path.join(projectRoot(), 'resources', SAMPLE_FOLDER));
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'LICENSE.txt')));
  if (!found) throw new Error(`the built-in sample is missing (looked in ${candidates.join(', ')})`);
  return found;
}

/** The sample's classes: its folders, in name order. */
export function sampleClasses(sampleDir = findSampleDir()): string[] {
  return fs
    .readdirSync(sampleDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Copies the sample under <library>/cache/demo-source/ (files already there are kept) and returns that folder. */
export function copySample(lib: Library, sampleDir = findSampleDir()): string {
  const root = path.join(lib.paths.cache, 'demo-source');
  for (const cls of sampleClasses(sampleDir)) {
    const dir = path.join(root, cls);
    fs.mkdirSync(dir, { recursive: true });
    // A kill mid-copy leaves a temp file; it must not be imported as a broken image.
    for (const n of fs.readdirSync(dir)) if (n.includes('.tmp-')) fs.rmSync(path.join(dir, n), { force: true });
    for (const name of fs.readdirSync(path.join(sampleDir, cls)).sort()) {
      const file = path.join(dir, name);
      if (fs.existsSync(file)) continue;
      const tmp = `${file}.tmp-${process.pid}`;
      fs.copyFileSync(path.join(sampleDir, cls, name), tmp);
      // The packaged copy is read-only; the library's own copy may be moved or deleted by the person.
      fs.chmodSync(tmp, 0o644);
      fs.renameSync(tmp, file);
    }
  }
  return root;
}

export async function importDemo(lib: Library, opts: ImportOptions & { sampleDir?: string } = {}): Promise<ImportReport> {
  return importFolder(lib, copySample(lib, opts.sampleDir), opts);
}
