// Quick look (issue 12): MobileNetV2 head settings on a bench library's cached features — the head trains on the
// run's train split (as it is + second view), scored with eight-view averages on its val + test splits (all cached).
// node --import tsx bench/head-variants.ts LIBRARY RUN_ID '[{"dense":[128]}, {"shape":3}, …]'
// "shape": N adds the object's shape numbers (features/shape.ts) standardised and weighted N (the default head: 3).
import { openLibrary } from '../src/main/library';
import { ensureViewFeatures } from '../src/main/engine/features/feature-cache';
import { predictHead, trainHead } from '../src/main/engine/train/head-trainer';
import { useBackend } from '../src/main/engine/backends';
import { ALL_VIEWS, averageViews } from '../src/main/engine/data/views';
import { argmax } from '../src/main/engine/metrics';
import { HEAD_RECIPE } from '../src/main/engine/config';
import { ensureShapes, SHAPE_DIMS, withShapes } from '../src/main/engine/features/shape';

const [libDir, runId, variantsJson] = process.argv.slice(2);
const lib = openLibrary(libDir!);
await useBackend('auto', 'train-dense');
const rows = lib.db.prepare(`SELECT r.image_id AS id, r.split, r.class_id AS c FROM run_images r WHERE r.run_id = ? ORDER BY r.image_id`).all(runId) as Array<{ id: number; split: string; c: number }>;
const classIds = [...new Set(rows.map((r) => r.c))].sort((a, b) => a - b);
const y = (list: typeof rows) => Int32Array.from(list, (r) => classIds.indexOf(r.c));
const train = rows.filter((r) => r.split === 'train'), held = rows.filter((r) => r.split !== 'train');
const opts = { alpha: 1 as const, weightsDir: process.env.PADDY_MOBILENET_DIR };
const [t0, t2] = await ensureViewFeatures(lib, train.map((r) => r.id), [0, 'second'], opts);
const hv = await ensureViewFeatures(lib, held.map((r) => r.id), ALL_VIEWS, opts);
const D = t0!.dims;
const yh = y(held);
const [trainShapes, heldShapes] = [await ensureShapes(lib, train.map((r) => r.id)), await ensureShapes(lib, held.map((r) => r.id))];
/** Rows with the shape numbers appended, standardised by the training rows' mean/spread and weighted `w`. */
const mu = new Float64Array(SHAPE_DIMS), sd = new Float64Array(SHAPE_DIMS);
trainShapes.forEach((v, i) => (mu[i % SHAPE_DIMS] += v / train.length));
trainShapes.forEach((v, i) => (sd[i % SHAPE_DIMS] += (v - mu[i % SHAPE_DIMS]!) ** 2 / train.length));
const shaped = (m: Float32Array, s: Float32Array, w: number) => (w ? withShapes(m, D, s.map((v, i) => ((v - mu[i % SHAPE_DIMS]!) / Math.sqrt(sd[i % SHAPE_DIMS]! + 1e-12)) * w)) : m);
const acc = (p: Float32Array) => held.filter((_, i) => argmax(Array.from(p.subarray(i * 5, i * 5 + 5))) === yh[i]).length;
for (const v of JSON.parse(variantsJson!) as Array<Record<string, unknown>>) {
  // views: 1 (as it is), 2 (default: + second view), 8 (every view: needs them cached, e.g. by an earlier look).
  const w = (v.shape as number) ?? 0, DD = w ? D + SHAPE_DIMS : D;
  const mats = (v.views === 1 ? [t0!.matrix] : v.views === 8 ? (await ensureViewFeatures(lib, train.map((r) => r.id), ALL_VIEWS, opts)).map((f) => f.matrix) : [t0!.matrix, t2!.matrix]).map((m) => shaped(m, trainShapes, w));
  const x = new Float32Array(mats.reduce((a, m) => a + m.length, 0));
  mats.reduce((at, m) => (x.set(m, at), at + m.length), 0);
  const yt = Int32Array.from(mats.flatMap(() => Array.from(y(train))));
  const s = performance.now();
  const m = await trainHead(x, DD, yt, 5, {
    dense: (v.dense as number[]) ?? [128], dropout: (v.dropout as number) ?? 0.3, epochs: (v.epochs as number) ?? 40, batchSize: (v.batch as number) ?? 128,
    learningRate: (v.lr as number) ?? 0.001, seed: (v.seed as number) ?? 42, ...HEAD_RECIPE, ...(v.ls !== undefined ? { labelSmoothing: v.ls as number } : {}),
  });
  const secs = (performance.now() - s) / 1000;
  const one = acc(predictHead(m, shaped(hv[0]!.matrix, heldShapes, w), DD));
  const eight = acc(averageViews(hv.map((f) => predictHead(m, shaped(f.matrix, heldShapes, w), DD))));
  console.log(`${JSON.stringify(v)}\tone view ${(100 * one / held.length).toFixed(2)}% (${held.length - one} wrong)\teight views ${(100 * eight / held.length).toFixed(2)}% (${held.length - eight} wrong of ${held.length})\t${secs.toFixed(0)} s`);
  m.dispose();
}
lib.close();
