import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dispatch, handlers } from '../../../src/main/api/index';
import { openLibrary } from '../../../src/main/library';
import { countImages, matchingIds, queryImages } from '../../../src/main/services/browse';
import { mergeClasses } from '../../../src/main/services/classes';
import { DETAIL_RUNS, imageDetail } from '../../../src/main/services/image-detail';
import { importFolder } from '../../../src/main/services/import/index';
import { setLabels, undo } from '../../../src/main/services/labels';
import { fixtureContext, insertRun } from '../../helpers/fixture-library';
import { RICE_CLASSES, riceFiles, riceSubset } from '../../helpers/rice-subset';
import { tempDir } from '../../helpers/tmp';

test('on a library imported from real rice JPEGs: detail facts, sources of a conflict, history, latest predictions; browse and merge/undo', async () => {
  const src = riceSubset(3);
  // the same bytes under a second class folder: one image, two sources, a conflict
  const dupName = riceFiles('Arborio')[0]!;
  fs.copyFileSync(path.join(src, 'Arborio', dupName), path.join(src, 'Basmati', `copy of ${dupName}`));
  const lib = openLibrary(tempDir(), { create: true });
  const report = await importFolder(lib, src, { concurrency: 2 });
  assert.equal(report.imported, 15);
  const db = lib.db;
  const classId = (name: string) => (db.prepare('SELECT id FROM classes WHERE name = ?').get(name) as { id: number }).id;

  // browse the real library
  assert.equal(countImages(db, {}), 15);
  for (const c of RICE_CLASSES) assert.equal(countImages(db, { classIds: [classId(c)] }), 3, c);
  const conflicts = queryImages(db, { filter: { conflictsOnly: true }, sort: 'name', desc: false, offset: 0, limit: 10 });
  assert.equal(conflicts.total, 1);
  const imageId = conflicts.items[0]!.id;
  assert.deepEqual(matchingIds(db, { search: dupName }), [imageId]);

  // detail: file facts from the real file
  const file = path.join(fs.realpathSync(src), 'Arborio', dupName);
  const bytes = fs.readFileSync(file);
  let d = imageDetail(db, imageId);
  assert.equal(d.sha256, crypto.createHash('sha256').update(bytes).digest('hex'));
  assert.equal(d.bytes, bytes.length);
  assert.equal(d.format, 'jpeg');
  assert.equal(d.width, 250);
  assert.equal(d.conflict, true);
  assert.ok(!Number.isNaN(Date.parse(d.importedAt)));
  assert.deepEqual(
    d.sources.map((s) => [path.basename(s.path), s.className]).sort(),
    [[dupName, 'Arborio'], [`copy of ${dupName}`, 'Basmati']].sort(),
  );
  assert.ok(d.sources.some((s) => s.path === d.sourcePath));
  assert.deepEqual(d.predictions, []);
  const importRows = d.history.length;
  assert.ok(importRows >= 1 && d.history.every((h) => h.origin === 'folder'), 'the import journaled the folder label');

  // history: newest first, with class names and states
  setLabels(db, [imageId], classId('Jasmine'), 'manual');
  setLabels(db, [imageId], classId('Ipsala'), 'suggestion');
  undo(db);
  d = imageDetail(db, imageId);
  assert.deepEqual(
    d.history.slice(0, 2).map((h) => [h.oldClass, h.newClass, h.origin, h.state]),
    [
      ['Jasmine', 'Ipsala', 'suggestion', 'undone'],
      [d.history[1]!.oldClass, 'Jasmine', 'manual', 'done'],
    ],
  );
  assert.equal(d.className, 'Jasmine');
  assert.equal(d.origin, 'manual');

  // predictions of the latest runs, newest first, probabilities by class name
  const ids = RICE_CLASSES.map(classId);
  for (let k = 0; k < DETAIL_RUNS + 2; k++) {
    const probs = [0.1, 0.1, 0.1, 0.1, 0.1];
    probs[k % 5] = 0.6;
    insertRun(db, `run-${k}`, RICE_CLASSES, [{ imageId, trueClassId: ids[0]!, predictedClassId: ids[k % 5]!, confidence: 0.6, loss: 0.5, probs }], {
      createdAt: new Date(Date.parse('2026-03-01') + k * 60_000).toISOString(),
      model: k % 2 ? 'mobilenetv2' : 'cnn',
    });
  }
  d = imageDetail(db, imageId);
  assert.deepEqual(
    d.predictions.map((p) => p.runId),
    Array.from({ length: DETAIL_RUNS }, (_, i) => `run-${DETAIL_RUNS + 1 - i}`),
  );
  const newest = d.predictions[0]!;
  assert.equal(newest.model, 'cnn');
  assert.equal(newest.predictedClass, RICE_CLASSES[(DETAIL_RUNS + 1) % 5]);
  assert.deepEqual(Object.keys(newest.probabilities), RICE_CLASSES);
  assert.equal(newest.probabilities[RICE_CLASSES[(DETAIL_RUNS + 1) % 5]!], 0.6);

  // a run filter on real data: the image is in every run's test set
  assert.equal(queryImages(db, { filter: { runId: 'run-3' }, sort: 'confidence', desc: false, offset: 0, limit: 5 }).items[0]!.predictedClassId, ids[3]);

  // merging two real classes and undoing it restores the imported labels
  const before = matchingIds(db, { classIds: [classId('Karacadag')] });
  const m = mergeClasses(lib, classId('Karacadag'), classId('Basmati'));
  assert.equal(m.changed, 3);
  assert.equal(m.info.classes.find((c) => c.name === 'Basmati')!.count, 6);
  undo(db);
  assert.deepEqual(matchingIds(db, { classIds: [classId('Karacadag')] }), before);

  // through dispatch; an unknown id is a clear error
  const ctx = fixtureContext(lib);
  const ok = await dispatch(handlers, ctx, 'images.detail', { imageId });
  assert.ok(ok.ok && ok.value.sha256 === d.sha256);
  assert.deepEqual(await dispatch(handlers, ctx, 'images.detail', { imageId: 99999 }), {
    ok: false,
    error: 'no image with id 99999 in this library',
  });
  lib.close();
});
