// The Export card's intents against the real handlers and a real library: the dataset export shows progress
// from 'export.progress' while it runs and ends with the folder and CSV it wrote; a second export into the same
// folder shows the host's refusal; the ONNX export uses the newest finished run unless one is picked, and ends
// with the file's location. Real rice photos, a real saved CNN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getApi, provideApi } from '../../../../src/renderer/src/app/api';
import {
  exportDataset,
  exportOnnx,
  onExportProgress,
  pickOnnxRun,
  setExportFolder,
  setOnnxFile,
} from '../../../../src/renderer/src/features/export/export.actions';
import { csvBeside, initialExportState, useExport } from '../../../../src/renderer/src/features/export/export.store';
import { loadRuns } from '../../../../src/renderer/src/features/runs/runs.store';
import { savedCnnRun } from '../../../helpers/saved-run';
import { studioApi } from '../../../helpers/studio-api';
import { tempDir } from '../../../helpers/tmp';
import { makeTrainLibrary } from '../../../helpers/train-lib';

test('dataset export: progress while it runs, then where it wrote; a non-empty folder is refused and said so', async () => {
  const lib = makeTrainLibrary(30, { classes: 2 });
  provideApi(studioApi(lib));
  getApi().on('export.progress', onExportProgress);
  useExport.setState({ ...initialExportState });
  const seen: number[] = [];
  const off = useExport.subscribe((s, prev) => s.progress && s.progress !== prev.progress && seen.push(s.progress.done));

  const out = path.join(tempDir(), 'rice export');
  setExportFolder(`${out}/`);
  await exportDataset();
  off();
  const s = useExport.getState();
  assert.equal(s.datasetError, null);
  assert.deepEqual([s.dataset!.images, s.dataset!.outDir, s.dataset!.csv], [60, out, `${out}.csv`]);
  assert.equal(csvBeside(`${out}/`), `${out}.csv`);
  assert.ok(fs.existsSync(`${out}.csv`));
  assert.deepEqual(seen, [0, 25, 50, 60], 'progress at the start, every 25 images and at the end');
  assert.deepEqual([s.datasetBusy, s.progress], [false, null]);

  await exportDataset();
  assert.match(useExport.getState().datasetError ?? '', /is not empty/);
  assert.equal(useExport.getState().dataset, null);
  lib.close();
});

test('ONNX export: the newest finished run unless one is picked; the file location at the end; errors shown', async () => {
  const lib = makeTrainLibrary(2, { classes: 2 });
  await savedCnnRun(lib, 'run-old', ['Arborio', 'Basmati']);
  lib.db.prepare(`UPDATE runs SET created_at = '2020-01-01T00:00:00Z' WHERE id = 'run-old'`).run();
  await savedCnnRun(lib, 'run-new', ['Arborio', 'Basmati']);
  provideApi(studioApi(lib));
  await loadRuns();
  useExport.setState({ ...initialExportState });

  const dir = tempDir();
  setOnnxFile(dir);
  await exportOnnx();
  let s = useExport.getState();
  assert.equal(s.onnxError, null);
  assert.equal(s.onnx!.file, path.join(dir, 'paddy-run-new.onnx'));
  assert.ok(fs.statSync(s.onnx!.file).size > 0);

  pickOnnxRun('run-old');
  setOnnxFile(path.join(dir, 'old.onnx'));
  await exportOnnx();
  assert.equal(useExport.getState().onnx!.file, path.join(dir, 'old.onnx'));

  await exportOnnx();
  s = useExport.getState();
  assert.match(s.onnxError ?? '', /already exists/);
  assert.equal(s.onnx, null);
  assert.equal(s.onnxBusy, false);
  lib.close();
});
