// Similar images on real rice images and the real MobileNetV2 weights (α 1.0, 10 images per class): files inside
// and outside the library, uploads, the host's index by image id, the index itself (exact and PCA-reduced), and
// the reduced index built as a job (PADDY_SIMILAR_PCA_ABOVE lowers the 20,000-row threshold to 10 here):
// progress, Cancel, kept on disk for the host, which then only reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { EventMap } from '../../../src/shared/contract';
import { buildSimilarIndex, dropIndex, libraryIndex, similarFiles, similarToImage } from '../../../src/main/services/similar';
import { SimilarIndex } from '../../../src/main/engine/features/similar-index';
import { fitPca } from '../../../src/main/engine/features/pca';
import { rng } from '../../../src/main/engine/random';
import { makeTrainLibrary, riceFiles } from '../../helpers/train-lib';
import { MOBILENET_DIR, tempDir } from '../../helpers/tmp';

const lib = makeTrainLibrary(10);
const events: Array<EventMap['similar.progress']> = [];
const emit = ((name: string, payload: unknown) => {
  if (name === 'similar.progress') events.push(payload as EventMap['similar.progress']);
}) as never;

test('similar.files: library files use their own row, outside files and uploads are extracted, a bad file gets its own error', async () => {
  const inside = riceFiles('Ipsala', 1)[0]!;
  const outside = riceFiles('Arborio', 1, 50)[0]!; // not among the library's first 10
  const copy = path.join(tempDir('paddy-similar-'), 'copy of karacadag.jpg');
  fs.copyFileSync(riceFiles('Karacadag', 1, 60)[0]!, copy);
  const missing = path.join(tempDir('paddy-similar-'), 'gone.jpg');
  const results = await similarFiles(lib, emit, {
    paths: [inside, outside, missing, copy],
    uploads: [{ name: 'dropped.jpg', base64: fs.readFileSync(riceFiles('Basmati', 1, 70)[0]!).toString('base64') }],
    k: 5,
    weightsDir: MOBILENET_DIR,
  });
  assert.ok(events.some((e) => e.phase === 'features' && e.done === 50 && e.total === 50));
  assert.deepEqual(results.map((r) => r.path), [inside, outside, missing, copy, 'dropped.jpg']);
  const [r0, r1, r2, r3, r4] = results;
  const selfId = (lib.db.prepare('SELECT id FROM images WHERE source_path = ?').get(inside) as { id: number }).id;
  assert.equal(r0!.imageId, selfId);
  assert.equal(r0!.neighbours.length, 5);
  assert.ok(!r0!.neighbours.some((n) => n.imageId === selfId), 'an image is not its own neighbour');
  for (const r of [r0!, r1!, r3!, r4!]) {
    const d = r.neighbours.map((n) => n.distance);
    assert.deepEqual(d, [...d].sort((a, b) => a - b), 'nearest first');
    assert.ok(d.every((x) => x >= 0 && x <= 2));
    assert.ok(r.neighbours.every((n) => n.path && n.label));
  }
  // ImageNet features of 50 rice grains (Arborio and Karacadag look alike here): the nearest library image of
  // the library file has its class, and well over chance
  // (1 in 5) of the neighbours do; precision@10 on all 12,000 is in BENCHMARKS.md (bench:map).
  const agree = (r: typeof r0, cls: string) => r!.neighbours.filter((n) => n.label === cls).length;
  assert.equal(r0!.neighbours[0]!.label, 'Ipsala', JSON.stringify(r0!.neighbours));
  const total = agree(r0, 'Ipsala') + agree(r1, 'Arborio') + agree(r3, 'Karacadag') + agree(r4, 'Basmati');
  assert.ok(total >= 10, `${total} of 20 neighbours share the file's class`);
  assert.equal(r1!.imageId, null);
  assert.match(r2!.error!, /gone\.jpg/);
  assert.deepEqual(r2!.neighbours, []);

  // By id, from the host's index: the same answer as for the file.
  const byId = await similarToImage(lib, selfId, 5);
  assert.equal(byId.path, inside);
  assert.deepEqual(byId.neighbours.map((n) => n.imageId), r0!.neighbours.map((n) => n.imageId));
  await assert.rejects(similarToImage(lib, 99_999, 5), /no image 99999/);
});

test('the index: precision@5 on the library, rebuilt when the image set changes, found without the weights', () => {
  dropIndex(lib);
  const li = libraryIndex(lib);
  assert.equal(li.index.n, 50);
  assert.equal(li.missing, 0);
  const label = new Map((lib.db.prepare('SELECT image_id AS id, class_id AS c FROM labels').all() as Array<{ id: number; c: number }>).map((r) => [r.id, r.c]));
  let same = 0;
  for (let row = 0; row < li.index.n; row++) {
    for (const h of li.index.search(li.index.row(row), 5, row)) same += label.get(li.ids[h.row]!) === label.get(li.ids[row]!) ? 1 : 0;
  }
  assert.ok(same / (50 * 5) >= 0.55, `precision@5 ${same / 250}`);
  assert.equal(libraryIndex(lib), li, 'kept while nothing changed');
  lib.db.prepare(`UPDATE images SET source_state = 'missing' WHERE id = ?`).run(li.ids[0]);
  const rebuilt = libraryIndex(lib);
  assert.notEqual(rebuilt, li);
  assert.equal(rebuilt.index.n, 49);
  lib.db.prepare(`UPDATE images SET source_state = 'ok' WHERE id = ?`).run(li.ids[0]);
});

test('PCA finds the dominant axes; the reduced index ranks like the exact one', () => {
  const rand = rng(3);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const n = 600;
  const dims = 64;
  // Variance 25 along axis 3, 9 along axis 10, 1 elsewhere (× 0.1).
  const rows = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) rows[i * dims + d] = (d === 3 ? 5 : d === 10 ? 3 : 0.1) * gauss();
  const pca = fitPca(rows, n, dims, { components: 2 });
  assert.ok(Math.abs(pca.basis[3]!) > 0.99, `first axis ${pca.basis[3]}`);
  assert.ok(Math.abs(pca.basis[dims + 10]!) > 0.99, `second axis ${pca.basis[dims + 10]}`);

  // Clustered data: 8 centres in 96-d, 400 points; the PCA index (24 axes) keeps the top-5 mostly.
  const centres = Array.from({ length: 8 }, () => Array.from({ length: 96 }, () => gauss()));
  const m = 400;
  const pts = new Float32Array(m * 96);
  for (let i = 0; i < m; i++) for (let d = 0; d < 96; d++) pts[i * 96 + d] = centres[i % 8]![d]! + 0.3 * gauss();
  const exact = SimilarIndex.build(pts, m, 96);
  const reduced = SimilarIndex.build(pts, m, 96, { pcaAbove: 0, components: 24 });
  assert.equal(exact.reduced, false);
  assert.equal(reduced.reduced, true);
  let sameCluster = 0;
  for (let i = 0; i < m; i++) {
    const q = reduced.embed(pts.subarray(i * 96, (i + 1) * 96));
    for (const h of reduced.search(q, 5, i)) sameCluster += h.row % 8 === i % 8 ? 1 : 0;
  }
  assert.equal(sameCluster, m * 5, 'every neighbour from the same cluster');
  // Kept on disk and read back: the same answers.
  const back = SimilarIndex.fromBuffer(reduced.toBuffer({ stamp: 'x' }));
  assert.equal(back.meta.stamp, 'x');
  assert.deepEqual(back.index.search(back.index.row(3), 5, 3), reduced.search(reduced.row(3), 5, 3));
  const top = exact.search(exact.row(7), 3, 7);
  assert.equal(top.length, 3);
  assert.ok(top[0]!.distance <= top[1]!.distance);
});

test('above the threshold the index is a job: progress by phase, Cancel, kept on disk; the host then only reads it', async () => {
  process.env.PADDY_SIMILAR_PCA_ABOVE = '10';
  try {
    dropIndex(lib);
    const file = path.join(lib.paths.cache, 'similar-index.bin');
    fs.rmSync(file, { force: true });
    // Cancel: an aborted signal stops the build at its next step, nothing is kept.
    const abort = new AbortController();
    const seen: Array<EventMap['similar.progress']> = [];
    const cancelled = buildSimilarIndex(lib, ((_: string, p: EventMap['similar.progress']) => (seen.push(p), p.phase === 'index: centring' && abort.abort())) as never, { signal: abort.signal });
    await assert.rejects(cancelled, /similar index cancelled/);
    assert.ok(!fs.existsSync(file), 'a cancelled build keeps nothing');

    events.length = 0;
    const info = await buildSimilarIndex(lib, emit);
    assert.deepEqual({ rows: info.rows, reduced: info.reduced, dims: info.dims, missing: info.missing }, { rows: 50, reduced: true, dims: 128, missing: 0 });
    const phases = [...new Set(events.map((e) => e.phase))];
    assert.deepEqual(phases, ['index: reading features', 'index: centring', 'index: PCA fit', 'index: projecting'].filter((p) => p !== 'index: projecting' || events.some((e) => e.phase === p)));
    assert.ok(events.every((e) => e.done <= e.total));
    assert.ok(fs.existsSync(file), 'the reduced index is kept for the host');

    // The host (another process in the app: here the same one, its memory dropped) reads the file, no job needed.
    dropIndex(lib);
    let jobs = 0;
    const id = libraryIndex(lib).ids[0]!;
    dropIndex(lib);
    const r = await similarToImage(lib, id, 5, async () => void jobs++);
    assert.equal(jobs, 0);
    assert.equal(r.neighbours.length, 5);
    // Without a kept index the host asks for the job once, however many queries wait for it.
    dropIndex(lib);
    fs.rmSync(file);
    const [a, b] = await Promise.all([1, 2].map(() => similarToImage(lib, id, 5, async () => (jobs++, await buildSimilarIndex(lib, emit), dropIndex(lib)))));
    assert.equal(jobs, 1);
    assert.deepEqual(a!.neighbours, b!.neighbours);
    assert.equal(a!.neighbours[0]!.label, r.neighbours[0]!.label);
  } finally {
    delete process.env.PADDY_SIMILAR_PCA_ABOVE;
    dropIndex(lib);
  }
});
