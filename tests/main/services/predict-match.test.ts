// Predict says when a file is already in the library: the bytes' sha256 matched against the library's images,
// with the image's current label (a relabel shows), for typed paths and for uploaded bytes alike; a new file
// and an unreadable one have no match. Real library, real rice photos, a real saved CNN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { predict } from '../../../src/main/services/predict';
import { predictUploaded } from '../../../src/main/services/predict-upload';
import { makeTrainLibrary, riceFiles } from '../../helpers/train-lib';
import { savedCnnRun } from '../../helpers/saved-run';
import { tempDir } from '../../helpers/tmp';

test('a library file matches its image and current label; a new file, a copy elsewhere and a bad file as expected', async () => {
  const lib = makeTrainLibrary(10, { classes: 2 });
  const runId = 'run-match';
  await savedCnnRun(lib, runId, ['Arborio', 'Basmati']);

  const inLib = riceFiles('Arborio', 1)[0]!;
  const imageId = (lib.db.prepare('SELECT id FROM images WHERE source_path = ?').get(inLib) as { id: number }).id;
  const fresh = riceFiles('Arborio', 1, 40)[0]!;
  // The same bytes under another name and folder are still "in the library".
  const copy = path.join(tempDir(), 'renamed.jpg');
  fs.copyFileSync(inLib, copy);
  const broken = path.join(tempDir(), 'broken.jpg');
  fs.writeFileSync(broken, 'not a jpeg');

  const [a, b, c, d] = await predict(lib, runId, [inLib, fresh, copy, broken]);
  assert.deepEqual(a!.match, { imageId, label: 'Arborio' });
  assert.equal(b!.match, null);
  assert.deepEqual(c!.match, { imageId, label: 'Arborio' });
  assert.ok(d!.error);
  assert.equal(d!.match, null);

  lib.db.prepare(`UPDATE labels SET class_id = (SELECT id FROM classes WHERE name = 'Basmati') WHERE image_id = ?`).run(imageId);
  const uploaded = await predictUploaded(
    [{ name: 'phone.jpg', base64: fs.readFileSync(inLib).toString('base64') }, { name: 'new.jpg', base64: fs.readFileSync(fresh).toString('base64') }],
    (paths) => predict(lib, runId, paths),
  );
  assert.deepEqual(uploaded.map((r) => r.path), ['phone.jpg', 'new.jpg']);
  assert.deepEqual(uploaded[0]!.match, { imageId, label: 'Basmati' }, 'the current label, after a relabel');
  assert.equal(uploaded[1]!.match, null);
  lib.close();
});
