// Training and evaluation with source files gone: the run leaves them out and counts them, a file that vanishes
// while the run reads it makes the run check again rather than fail, and evaluation reports what it left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { resolveConfig } from '../../../src/main/engine/config';
import { runTraining } from '../../../src/main/engine/train/run-training';
import { openLibrary } from '../../../src/main/library';
import { createRun, getRun, runLifecycle } from '../../../src/main/services/runs';
import { evaluateRun } from '../../../src/main/services/evaluation';
import { importFolder } from '../../../src/main/services/import/index';
import { smallRiceFolder } from '../../helpers/small-import';
import { tempDir } from '../../helpers/tmp';

const go = { cancelled: () => false, signal: new AbortController().signal };
const cnn = (imageSize: number) => resolveConfig({ model: 'cnn', imageSize, filters: [4], dense: [8], epochs: 1, batchSize: 4, backend: 'wasm' });
const cfg = cnn(16);

test('a deleted source is left out of a CNN run (counted), one deleted mid-run too, and evaluation reports its missing test images', { timeout: 600_000 }, async () => {
  const lib = openLibrary(tempDir('paddy-src-train-'), { create: true });
  await importFolder(lib, smallRiceFolder(['Arborio', 'Basmati'], 12));
  const bySplit = (split: string) => lib.db.prepare(`SELECT i.id, i.source_path AS p FROM images i JOIN splits s ON s.image_id = i.id WHERE s.split = ? ORDER BY i.id`).all(split) as Array<{ id: number; p: string }>;
  const train = bySplit('train');
  fs.rmSync(train[0]!.p);

  const a = createRun(lib, cfg);
  assert.equal(await runTraining(lib, a, cfg, () => undefined, go, runLifecycle(lib)), 'completed');
  const run = getRun(lib, a);
  assert.equal(run.excludedMissing, 1);
  assert.equal(run.imageCount, 23);
  assert.equal((lib.db.prepare(`SELECT source_state AS s FROM images WHERE id = ?`).get(train[0]!.id) as { s: string }).s, 'missing');

  // A file deleted after the snapshot's check, before decoding reads it: the run checks again and completes without it.
  // Another image size, so the pixel cache has no pixels for it yet and decoding must read the file.
  const cfg20 = cnn(20);
  const b = createRun(lib, cfg20);
  let deleted = false;
  const status = await runTraining(lib, b, cfg20, (e) => {
    if (e.type === 'started' && !deleted) {
      fs.rmSync(train[1]!.p);
      deleted = true;
    }
  }, go, runLifecycle(lib));
  assert.equal(status, 'completed', getRun(lib, b).error ?? '');
  assert.equal(getRun(lib, b).excludedMissing, 2);
  assert.equal(getRun(lib, b).imageCount, 22);

  // Evaluation on run a's test split with one of its test images gone: scored on the rest, the gap reported.
  const test0 = bySplit('test')[0]!;
  fs.rmSync(test0.p);
  const m = await evaluateRun(lib, a);
  assert.equal(m.excludedMissing, 1);
  assert.equal(m.n, getRun(lib, a).test!.n - 1);
  lib.close();
});
