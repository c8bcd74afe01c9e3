// Predict keeps every result of the session, newest first, each with what it came from (the run; an uploaded
// file's object URL as its preview, or the library thumbnail of the same bytes), "already in the library as"
// from the host's match, and Clear empties the list and frees the uploaded bytes. Real handlers, real library,
// real rice photos, a real saved CNN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveObjectURL } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { provideApi } from '../../../../src/renderer/src/app/api';
import { clearResults, predictFiles, predictPaths, previewUrl, usePredict } from '../../../../src/renderer/src/features/predict/predict.store';
import { loadRuns } from '../../../../src/renderer/src/features/runs/runs.store';
import { savedCnnRun } from '../../../helpers/saved-run';
import { studioApi } from '../../../helpers/studio-api';
import { makeTrainLibrary, riceFiles } from '../../../helpers/train-lib';

test('results pile up newest first with previews and library matches; Clear empties them and frees the bytes', async () => {
  const lib = makeTrainLibrary(4, { classes: 2 });
  await savedCnnRun(lib, 'run-s', ['Arborio', 'Basmati']);
  provideApi(studioApi(lib));
  await loadRuns();
  usePredict.setState({ picked: '', text: '', busy: false, results: null, about: new Map(), error: null });

  const inLib = riceFiles('Basmati', 1)[0]!;
  const imageId = (lib.db.prepare('SELECT id FROM images WHERE source_path = ?').get(inLib) as { id: number }).id;
  const fresh = riceFiles('Basmati', 1, 30)[0]!;

  await predictPaths([fresh]);
  let s = usePredict.getState();
  assert.equal(s.error, null);
  assert.deepEqual(s.results!.map((r) => r.path), [fresh]);
  assert.equal(s.results![0]!.match, null);
  assert.equal(previewUrl(s.results![0]!, s.about.get(s.results![0]!)), null, 'a typed new path has no preview');

  const files = [inLib, fresh].map((f) => new File([fs.readFileSync(f)], path.basename(f), { type: 'image/jpeg' }));
  await predictFiles(files);
  s = usePredict.getState();
  assert.deepEqual(s.results!.map((r) => r.path), [path.basename(inLib), path.basename(fresh), fresh], 'newest first');
  const [mine, other] = s.results!;
  assert.deepEqual(mine!.match, { imageId, label: 'Basmati' });
  assert.equal(other!.match, null);
  const previews = [mine!, other!].map((r) => previewUrl(r, s.about.get(r)));
  for (const url of previews) assert.match(url ?? '', /^blob:/);
  assert.equal(s.about.get(mine!)!.runId, 'run-s');
  const blob = resolveObjectURL(previews[0]!)!;
  assert.ok(Buffer.from(await blob.arrayBuffer()).equals(fs.readFileSync(inLib)), 'the preview is the uploaded bytes');

  // A typed path whose bytes are in the library shows the library's thumbnail, through the image route.
  await predictPaths([inLib]);
  s = usePredict.getState();
  assert.equal(previewUrl(s.results![0]!, s.about.get(s.results![0]!)), `/api/img/thumb/${imageId}`);
  assert.equal(s.results!.length, 4);

  clearResults();
  s = usePredict.getState();
  assert.equal(s.results, null);
  assert.equal(s.about.size, 0);
  for (const url of previews) assert.equal(resolveObjectURL(url!), undefined, 'object URLs revoked');
  lib.close();
});
