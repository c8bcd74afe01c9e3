// A run predicts every readable image of the library, not only its test split: each row keeps the split the image
// had in the run's snapshot (train = in-sample), images outside it (no split, no label) too.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Emit, TrainEvent } from '../../../../src/shared/contract';
import { resolveConfig } from '../../../../src/main/engine/config';
import { runTraining } from '../../../../src/main/engine/train/run-training';
import { useBackend } from '../../../../src/main/engine/backends';
import { createRun, getRun, runLifecycle } from '../../../../src/main/services/runs';
import { predictWholeLibrary } from '../../../../src/main/services/library-predictions';
import { predictionCounts, runPredictions } from '../../../../src/main/repos/runs.repo';
import { makeTrainLibrary, riceFiles } from '../../../helpers/train-lib';

const control = () => {
  const ac = new AbortController();
  return { cancelled: () => ac.signal.aborted, signal: ac.signal };
};

test('a tiny run predicts the whole library: every split, in-sample marked, unlabeled and unsplit images too; on demand again', async () => {
  const lib = makeTrainLibrary(10, { classes: 3 });
  const now = new Date().toISOString();
  // Two images with no label, one labeled image with no split: outside the run's snapshot.
  const extra = [...riceFiles('Jasmine', 2), ...riceFiles('Arborio', 1, 20)].map((file) => {
    const bytes = fs.readFileSync(file);
    const sha = crypto.createHash('sha256').update(bytes).digest('hex');
    return Number(lib.db.prepare(`INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at)
      VALUES (?, ?, ?, 250, 250, 'jpeg', ?, ?)`).run(sha, file, path.basename(file), bytes.length, now).lastInsertRowid);
  });
  const arborio = (lib.db.prepare(`SELECT id FROM classes WHERE name = 'Arborio'`).get() as { id: number }).id;
  lib.db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, 'manual', ?)`).run(extra[2], arborio, now);
  const librarySize = (lib.db.prepare(`SELECT COUNT(*) AS n FROM images`).get() as { n: number }).n;
  assert.equal(librarySize, 33);

  const config = resolveConfig({ model: 'cnn', imageSize: 16, filters: [4], dense: [8], epochs: 1, batchSize: 8, backend: 'wasm', augment: false });
  const runId = createRun(lib, config);
  await useBackend('wasm');
  const events: TrainEvent[] = [];
  const status = await runTraining(lib, runId, config, (e) => events.push(e), control(), runLifecycle(lib));
  assert.equal(status, 'completed', JSON.stringify(events.find((e) => e.type === 'failed')));

  assert.deepEqual(predictionCounts(lib.db, runId), { train: 18, val: 6, test: 6, none: 3 });
  const rows = lib.db.prepare(`SELECT image_id AS imageId, split, true_class_id AS t, loss FROM run_predictions WHERE run_id = ?`).all(runId) as
    Array<{ imageId: number; split: string | null; t: number | null; loss: number | null }>;
  assert.equal(rows.length, librarySize, 'every image of the library has the run\'s prediction');
  const snapSplit = new Map((lib.db.prepare(`SELECT image_id AS id, split FROM run_images WHERE run_id = ?`).all(runId) as Array<{ id: number; split: string }>).map((r) => [r.id, r.split]));
  for (const r of rows) assert.equal(r.split, snapSplit.get(r.imageId) ?? null, 'each row keeps its snapshot split (train = in-sample)');
  const byId = new Map(rows.map((r) => [r.imageId, r]));
  assert.equal(byId.get(extra[0]!)!.t, null, 'an unlabeled image has no true class');
  assert.equal(byId.get(extra[0]!)!.loss, null, 'nor a loss');
  assert.equal(byId.get(extra[2]!)!.t, arborio, 'a labeled image outside the snapshot is scored against its label');
  assert.ok(byId.get(extra[2]!)!.loss! >= 0);
  assert.equal(runPredictions(lib.db, runId).length, 6, 'the test predictions (compare, McNemar) stay the test split alone');

  const run = getRun(lib, runId);
  assert.equal(typeof run.seconds.predict, 'number', 'the prediction pass is its own phase in the run\'s seconds');
  const predictPhase = events.filter((e): e is Extract<TrainEvent, { type: 'phase' }> => e.type === 'phase' && e.phase === 'predict');
  assert.ok(predictPhase.length >= 2 && predictPhase.at(-1)!.done === predictPhase.at(-1)!.total && predictPhase.at(-1)!.total === 27, JSON.stringify(predictPhase));
  assert.ok(events.findIndex((e) => e.type === 'finished') > events.indexOf(predictPhase.at(-1)!), 'the run finishes after its predictions are stored');

  // On demand (a run from before, or after new images came in): predicts every image again, with progress.
  lib.db.prepare(`DELETE FROM run_predictions WHERE run_id = ? AND split IS NOT 'test'`).run(runId);
  const progress: unknown[] = [];
  const emit: Emit = (name, payload) => name === 'runs.predictProgress' && progress.push(payload);
  const result = await predictWholeLibrary(lib, runId, emit, new AbortController().signal);
  assert.deepEqual(result, { runId, predicted: librarySize, bySplit: { train: 18, val: 6, test: 6, none: 3 } });
  assert.deepEqual(progress.at(-1), { runId, done: librarySize, total: librarySize });
  lib.close();
});
