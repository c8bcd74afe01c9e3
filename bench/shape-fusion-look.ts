// Quick look (issue 12): a classifier on the object's shape numbers weighed into a finished CNN run's stored
// probabilities, softmax(log p + w log q), counted on the run's val and test splits. The numbers are measured on
// the pixels at SZ px (default 80, the CNN's input). The chosen setting is train/shape-head.ts SHAPE_FUSION.
// SZ=80 node --import tsx bench/shape-fusion-look.ts LIBRARY CNN_RUN_ID
import { openLibrary } from '../src/main/library';
import { SHAPE_DIMS, standardiseShapes, applyShapeScaling } from '../src/main/engine/features/shape';
import { predictHead, trainHead } from '../src/main/engine/train/head-trainer';
import { useBackend } from '../src/main/engine/backends';
import { argmax } from '../src/main/engine/metrics';
const [libDir, runId] = process.argv.slice(2);
const lib = openLibrary(libDir!);
await useBackend('auto', 'train-dense');
const rows = lib.db.prepare(`SELECT r.image_id AS id, r.split, r.class_id AS c FROM run_images r WHERE r.run_id = ? ORDER BY r.image_id`).all(runId) as Array<{ id: number; split: string; c: number }>;
const classIds = [...new Set(rows.map((r) => r.c))].sort((a, b) => a - b);
const preds = new Map((lib.db.prepare(`SELECT image_id AS id, probs FROM run_predictions WHERE run_id = ?`).all(runId) as Array<{ id: number; probs: string }>).map((r) => [r.id, JSON.parse(r.probs) as number[]]));
const train = rows.filter((r) => r.split === 'train');
const t0 = performance.now();
const SZ = Number(process.env.SZ ?? 80);
const { decodeCached } = await import('../src/main/engine/data/pixel-cache');
const { shapeOf } = await import('../src/main/engine/features/shape');
const imgs = lib.db.prepare(`SELECT id AS imageId, sha256, source_path AS sourcePath FROM images WHERE id IN (${rows.map((r) => r.id).join(',')}) ORDER BY id`).all() as Array<{ imageId: number; sha256: string; sourcePath: string }>;
const px = await decodeCached(lib, imgs, SZ, {});
const byId = new Map(imgs.map((im, i) => [im.imageId, shapeOf(px[i]!, SZ)]));
const shapes = new Float32Array(rows.length * SHAPE_DIMS);
rows.forEach((r, i) => shapes.set(byId.get(r.id)!, i * SHAPE_DIMS));
console.log(`shapes ${((performance.now() - t0) / 1000).toFixed(0)} s`);
const idx = new Map(rows.map((r, i) => [r.id, i]));
const pick = (list: typeof rows) => { const o = new Float32Array(list.length * SHAPE_DIMS); list.forEach((r, i) => o.set(shapes.subarray(idx.get(r.id)! * SHAPE_DIMS, (idx.get(r.id)! + 1) * SHAPE_DIMS), i * SHAPE_DIMS)); return o; };
const xt = pick(train);
const sc = standardiseShapes(xt, 0);
const yt = Int32Array.from(train, (r) => classIds.indexOf(r.c));
for (const dense of [[], [32]]) {
  const m = await trainHead(xt, SHAPE_DIMS, yt, 5, { dense, dropout: 0, epochs: 60, batchSize: 64, learningRate: 0.01, seed: 1, labelSmoothing: 0, cosineDecay: true, warmup: 0 });
  for (const split of ['val', 'test']) {
    const list = rows.filter((r) => r.split === split);
    const ps = predictHead(m, applyShapeScaling(pick(list), 0, sc), SHAPE_DIMS);
    const res: string[] = [];
    for (const w of [0, 0.1, 0.25, 0.5, 1]) {
      let wrong = 0;
      list.forEach((r, i) => {
        const pc = preds.get(r.id)!;
        const f = pc.map((p, k) => Math.log(Math.max(p, 1e-9)) + w * Math.log(Math.max(ps[i * 5 + k]!, 1e-9)));
        if (argmax(f) !== classIds.indexOf(r.c)) wrong++;
      });
      res.push(`w${w}: ${wrong}`);
    }
    let sw = 0; list.forEach((r, i) => { if (argmax(Array.from(ps.subarray(i * 5, i * 5 + 5))) !== classIds.indexOf(r.c)) sw++; });
    console.log(`dense ${JSON.stringify(dense)} ${split} (n=${list.length}): shape-only ${sw} wrong; fused ${res.join(' ')}`);
  }
  m.dispose();
}
