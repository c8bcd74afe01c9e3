// App settings kept in the library: training backend choice, MobileNet weights folder, split seed.
import type Database from 'better-sqlite3';
import type { BackendChoice, Settings } from '../../shared/types';
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
    if (patch.weightsDir !== undefined) setSetting(db, 'weightsDir', patch.weightsDir);
    if (patch.splitSeed !== undefined) setSetting(db, 'splitSeed', patch.splitSeed);
  });
  return getSettings(db);
}
