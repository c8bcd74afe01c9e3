// Quick look: a finished run's held-out accuracy with and without test-time views (no retraining).
// node --import tsx bench/tta-check.ts LIBRARY RUN_ID HELD_OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { openLibrary } from '../src/main/library';
import { loadRunModel } from '../src/main/engine/saved-model';
import { scoreFiles, scoreLibraryImages } from '../src/main/engine/inference';
import { useBackend } from '../src/main/engine/backends';
import { argmax } from '../src/main/engine/metrics';

const [libDir, runId, held] = process.argv.slice(2);
const lib = openLibrary(libDir!);
await useBackend('auto', 'infer');
const model = await loadRunModel(lib, runId!, process.env.PADDY_MOBILENET_DIR);
const classes = model.meta.classes;
const files: string[] = [], ys: number[] = [];
for (const [ci, c] of classes.entries()) for (const f of fs.readdirSync(path.join(held!, c)).sort()) { files.push(path.join(held!, c, f)); ys.push(ci); }
const testRows = lib.db.prepare(`SELECT r.image_id AS imageId, i.source_path AS sourcePath, c.name FROM run_images r JOIN images i ON i.id = r.image_id JOIN classes c ON c.id = r.class_id WHERE r.run_id = ? AND r.split = 'test'`).all(runId) as Array<{ imageId: number; sourcePath: string; name: string }>;
for (const tta of [false, true]) {
  model.meta.testViews = tta;
  const { probs } = await scoreFiles(model, files);
  const ok = probs.filter((p, i) => argmax(Array.from(p!)) === ys[i]).length;
  const lp = await scoreLibraryImages(lib, model, testRows);
  const k = classes.length;
  const okT = testRows.filter((r, i) => classes[argmax(Array.from(lp.subarray(i * k, (i + 1) * k)))] === r.name).length;
  console.log(`${model.meta.model} testViews=${tta}: held-out ${(100 * ok / files.length).toFixed(2)}% (${files.length - ok} wrong of ${files.length}) · library test ${(100 * okT / testRows.length).toFixed(2)}% (${testRows.length - okT} wrong of ${testRows.length})`);
}
model.dispose();
lib.close();
