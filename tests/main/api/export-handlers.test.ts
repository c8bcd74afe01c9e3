// The studio's two exports through `dispatch`, as every host calls them: the corrected dataset with progress
// events (one every N files, the last one complete) and a completed run's model as an .onnx file that
// onnxruntime-node loads and runs. Real library, real rice photos, a real saved CNN (tests/helpers/saved-run).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { EventMap, EventName } from '../../../src/shared/contract';
import { dispatch, handlers, type AppContext } from '../../../src/main/api/index';
import type { Library } from '../../../src/main/library';
import { exportLibraryWithProgress } from '../../../src/main/services/export';
import { makeTrainLibrary } from '../../helpers/train-lib';
import { savedCnnRun } from '../../helpers/saved-run';
import { tempDir } from '../../helpers/tmp';

type Seen = Array<{ name: EventName; payload: unknown }>;
let lib: Library;
const runId = 'run-export';

function context(events: Seen): AppContext {
  return {
    host: 'cli',
    library: () => lib,
    switchLibrary: () => lib,
    emit: <K extends EventName>(name: K, payload: EventMap[K]) => void events.push({ name, payload }),
    workers: null as never,
    dialogs: null,
  };
}

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: string }>): Promise<T> {
  const r = await p;
  if (!r.ok) assert.fail(r.error);
  return r.value;
}

before(async () => {
  lib = makeTrainLibrary(10, { classes: 2 });
  await savedCnnRun(lib, runId, ['Arborio', 'Basmati']);
});

test('the dataset export reports progress every N files, from 0 to all, and yields between them', async () => {
  const seen: Array<{ done: number; total: number }> = [];
  const out = path.join(tempDir(), 'every4');
  const r = await exportLibraryWithProgress(lib, out, { mode: 'copy' }, { every: 4, onProgress: (p) => seen.push({ done: p.done, total: p.total }) });
  assert.equal(r.images, 20);
  assert.deepEqual(seen.map((p) => p.done), [0, 4, 8, 12, 16, 20]);
  assert.ok(seen.every((p) => p.total === 20));
});

test('export.folder through dispatch emits export.progress ending at the total, and says where it wrote', async () => {
  const events: Seen = [];
  const out = path.join(tempDir(), 'dataset');
  const csv = path.join(out, '..', 'labels.csv');
  const r = await ok(dispatch(handlers, context(events), 'export.folder', { outDir: out, csv, mode: 'copy' }));
  assert.equal(r.images, 20);
  assert.equal(r.outDir, out);
  assert.equal(r.csv, path.resolve(csv));
  const progress = events.filter((e) => e.name === 'export.progress').map((e) => e.payload as EventMap['export.progress']);
  assert.ok(progress.length >= 2, `${progress.length} progress events`);
  assert.deepEqual(progress[0], { done: 0, total: 20 });
  assert.equal(progress.at(-1)!.done, 20);
  assert.equal(fs.readdirSync(out).sort().join(','), 'Arborio,Basmati');
});

test('export.onnx through dispatch writes a file onnxruntime loads and runs; a folder gets <run>.onnx; no overwrite', async () => {
  const events: Seen = [];
  const ctx = context(events);
  const file = path.join(tempDir(), 'models', 'rice.onnx');
  const r = await ok(dispatch(handlers, ctx, 'export.onnx', { runId, outFile: file }));
  assert.equal(r.file, file);
  assert.equal(r.verified, true);
  assert.deepEqual(r.classes, ['Arborio', 'Basmati']);
  assert.equal(fs.statSync(file).size, r.bytes);
  const session = await ort.InferenceSession.create(file);
  const res = await session.run({ [r.input.name]: new ort.Tensor('float32', new Float32Array(16 * 16 * 3).fill(100), [1, 16, 16, 3]) });
  const probs = Array.from(res[r.output.name]!.data as Float32Array);
  await session.release();
  assert.equal(probs.length, 2);
  assert.ok(Math.abs(probs[0]! + probs[1]! - 1) < 1e-4, `probabilities sum to 1: ${probs}`);

  const folder = tempDir();
  const inFolder = await ok(dispatch(handlers, ctx, 'export.onnx', { runId, outFile: folder }));
  assert.equal(inFolder.file, path.join(folder, `paddy-${runId}.onnx`));
  assert.ok(fs.existsSync(inFolder.file));

  const again = await dispatch(handlers, ctx, 'export.onnx', { runId, outFile: file });
  assert.equal(again.ok, false);
  assert.match((again as { error: string }).error, /already exists/);
  const bad = await dispatch(handlers, ctx, 'export.onnx', { runId: 'no-such-run', outFile: path.join(folder, 'x.onnx') });
  assert.equal(bad.ok, false);
});
