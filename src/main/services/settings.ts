// App settings kept in the library: training backend choice, MobileNet weights folder, split seed.
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { BackendChoice, SavedSettings, Settings, WeightsCheck } from '../../shared/types';
import { findWeights, modelFolderName, type Alpha } from '../engine/weights/find';
import { getSetting, setSetting } from '../repos/settings.repo';
import { writeTx } from '../repos/statements';

const BACKENDS: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
export const DEFAULT_SPLIT_SEED = 42;

export function getSettings(db: Database.Database): Required<Settings> {
  const backend = getSetting(db, 'backend');
  const weightsDir = getSetting(db, 'weightsDir');
  const splitSeed = getSetting(db, 'splitSeed');
  return {
    backend: BACKENDS.includes(backend as BackendChoice) ? (backend as BackendChoice) : 'auto',
    weightsDir: typeof weightsDir === 'string' && weightsDir ? weightsDir : null,
    splitSeed: Number.isInteger(splitSeed) ? (splitSeed as number) : DEFAULT_SPLIT_SEED,
  };
}

/** Applies the given fields (undefined = unchanged, weightsDir null = cleared) and returns the result. */
export function updateSettings(db: Database.Database, patch: Partial<Settings>): Required<Settings> {
  if (patch.backend !== undefined && !BACKENDS.includes(patch.backend)) {
    throw new Error(`backend must be one of ${BACKENDS.join(', ')} (got "${String(patch.backend)}")`);
  }
  if (patch.splitSeed !== undefined && !(Number.isInteger(patch.splitSeed) && patch.splitSeed >= 0 && patch.splitSeed < 2 ** 31)) {
    throw new Error(`splitSeed must be an integer from 0 to 2^31-1 (got ${String(patch.splitSeed)})`);
  }
  writeTx(db, () => {
    if (patch.backend !== undefined) setSetting(db, 'backend', patch.backend);
    // Stored absolute (relative to this host's folder): training, scans and workers run from other folders.
    if (patch.weightsDir !== undefined) setSetting(db, 'weightsDir', patch.weightsDir === null ? null : path.resolve(patch.weightsDir));
    if (patch.splitSeed !== undefined) setSetting(db, 'splitSeed', patch.splitSeed);
  });
  return getSettings(db);
}

const ALPHAS: readonly Alpha[] = [1, 0.35];

/**
 * Which MobileNetV2 widths a weights folder holds (a folder of model folders, or one model folder), each with its
 * model.json and every shard it names. Throws, naming the folder, when it is missing or holds none: saving it
 * would only make every MobileNetV2 run fail later, far from the setting.
 */
export function checkWeightsDir(dir: string): WeightsCheck {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) throw new Error(`weights folder not found: ${abs}`);
  if (!fs.statSync(abs).isDirectory()) throw new Error(`not a folder: ${abs}`);
  const alphas: Alpha[] = [];
  const incomplete: string[] = [];
  for (const alpha of ALPHAS) {
    let found: string;
    try {
      // Only this folder counts: findWeights also looks at $PADDY_MOBILENET_DIR, which is not what was saved.
      found = findWeights(alpha, { weightsDir: abs });
    } catch {
      continue;
    }
    if (found !== abs && !found.startsWith(abs + path.sep)) continue;
    const missing = missingShards(found);
    if (missing.length) incomplete.push(`${path.relative(abs, found) || path.basename(found)} (missing ${missing.join(', ')})`);
    else alphas.push(alpha);
  }
  if (!alphas.length) {
    const want = ALPHAS.map((a) => `${modelFolderName(a)}/`).join(' or ');
    throw new Error(
      incomplete.length
        ? `${abs} holds incomplete MobileNetV2 weights: ${incomplete.join('; ')}`
        : `${abs} holds no MobileNetV2 weights (looked for ${want} with model.json and its .bin shards)`,
    );
  }
  return { dir: abs, alphas };
}

function missingShards(modelDir: string): string[] {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8')) as { weightsManifest?: Array<{ paths?: string[] }> };
    const paths = (json.weightsManifest ?? []).flatMap((g) => g.paths ?? []);
    if (!paths.length) return ['its weights manifest'];
    return paths.filter((p) => !fs.existsSync(path.join(modelDir, p)));
  } catch {
    return ['a readable model.json'];
  }
}

/**
 * `settings.set`: a new weights folder is checked first (nothing is saved when it holds no weights) and the
 * reply says which widths it holds.
 */
export function saveSettings(db: Database.Database, patch: Partial<Settings>): SavedSettings {
  const weights = typeof patch.weightsDir === 'string' ? checkWeightsDir(patch.weightsDir) : undefined;
  const saved = updateSettings(db, patch);
  return weights ? { ...saved, weights } : saved;
}
