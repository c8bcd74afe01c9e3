// Quick look (issue 12): does the grain's silhouette (size, axes, roundness, colour) added to the frozen
// MobileNetV2 features fix what the head gets wrong? Same train/held rows and scoring as head-variants.ts.
// node --import tsx bench/shape-look.ts LIBRARY RUN_ID '[{"shape":0}, {"shape":1}, …]'
import sharp from 'sharp';
import { openLibrary } from '../src/main/library';
import { ensureViewFeatures } from '../src/main/engine/features/feature-cache';
import { predictHead, trainHead } from '../src/main/engine/train/head-trainer';
import { useBackend } from '../src/main/engine/backends';
import { ALL_VIEWS, averageViews } from '../src/main/engine/data/views';
import { argmax } from '../src/main/engine/metrics';
import { HEAD_RECIPE } from '../src/main/engine/config';

const [libDir, runId, variantsJson] = process.argv.slice(2);
const lib = openLibrary(libDir!);
await useBackend('auto', 'train-dense');
const rows = lib.db.prepare(`SELECT r.image_id AS id, r.split, r.class_id AS c, i.source_path AS p FROM run_images r JOIN images i ON i.id = r.image_id WHERE r.run_id = ? ORDER BY r.image_id`).all(runId) as Array<{ id: number; split: string; c: number; p: string }>;
const classIds = [...new Set(rows.map((r) => r.c))].sort((a, b) => a - b);
const y = (list: typeof rows) => Int32Array.from(list, (r) => classIds.indexOf(r.c));
const train = rows.filter((r) => r.split === 'train'), held = rows.filter((r) => r.split !== 'train');
const opts = { alpha: 1 as const, weightsDir: process.env.PADDY_MOBILENET_DIR };
const [t0, t2] = await ensureViewFeatures(lib, train.map((r) => r.id), [0, 'second'], opts);
const hv = await ensureViewFeatures(lib, held.map((r) => r.id), ALL_VIEWS, opts);
const D = t0!.dims;

const K = 13;
async function shape(file: string): Promise<Float32Array> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const w = info.width, h = info.height, c = info.channels;
  const gray = new Float32Array(w * h);
  const hist = new Float64Array(256);
  for (let i = 0; i < w * h; i++) {
    const g = (data[i * c]! + data[i * c + 1]! + data[i * c + 2]!) / 3;
    gray[i] = g;
    hist[Math.min(255, Math.round(g))]!++;
  }
  // Otsu's threshold.
  let sum = 0; for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let wB = 0, sumB = 0, best = 0, t = 0;
  for (let i = 0; i < 256; i++) {
    wB += hist[i]!; if (!wB) continue; const wF = w * h - wB; if (!wF) break;
    sumB += i * hist[i]!; const mB = sumB / wB, mF = (sum - sumB) / wF; const v = wB * wF * (mB - mF) ** 2;
    if (v > best) { best = v; t = i; }
  }
  let n = 0, sx = 0, sy = 0, r = 0, g = 0, b = 0, gg = 0;
  for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) {
    const i = yy * w + xx; if (gray[i]! <= t) continue;
    n++; sx += xx; sy += yy; r += data[i * c]!; g += data[i * c + 1]!; b += data[i * c + 2]!; gg += gray[i]! * gray[i]!;
  }
  const cx = sx / n, cy = sy / n;
  let mxx = 0, myy = 0, mxy = 0, per = 0;
  for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) {
    const i = yy * w + xx; if (gray[i]! <= t) continue;
    const dx = xx - cx, dy = yy - cy; mxx += dx * dx; myy += dy * dy; mxy += dx * dy;
    if (xx === 0 || yy === 0 || xx === w - 1 || yy === h - 1 || gray[i - 1]! <= t || gray[i + 1]! <= t || gray[i - w]! <= t || gray[i + w]! <= t) per++;
  }
  mxx /= n; myy /= n; mxy /= n;
  const tr = mxx + myy, det = mxx * myy - mxy * mxy, disc = Math.sqrt(Math.max(0, tr * tr / 4 - det));
  const l1 = tr / 2 + disc, l2 = Math.max(1e-6, tr / 2 - disc);
  const ang = 0.5 * Math.atan2(2 * mxy, mxx - myy), ux = Math.cos(ang), uy = Math.sin(ang);
  let lo = Infinity, hi = -Infinity, lo2 = Infinity, hi2 = -Infinity;
  for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) {
    const i = yy * w + xx; if (gray[i]! <= t) continue;
    const p = (xx - cx) * ux + (yy - cy) * uy, q = -(xx - cx) * uy + (yy - cy) * ux;
    lo = Math.min(lo, p); hi = Math.max(hi, p); lo2 = Math.min(lo2, q); hi2 = Math.max(hi2, q);
  }
  const meanG = (r + g + b) / 3 / n;
  return Float32Array.from([
    Math.sqrt(n), 4 * Math.sqrt(l1), 4 * Math.sqrt(l2), Math.sqrt(1 - l2 / l1), Math.sqrt(l1 / l2), per, (4 * Math.PI * n) / (per * per),
    hi - lo, hi2 - lo2, r / n, g / n, b / n, Math.sqrt(Math.max(0, gg / n - meanG * meanG)),
  ]);
}
const s0 = performance.now();
const shapes = new Map<number, Float32Array>();
for (const r of rows) shapes.set(r.id, await shape(r.p));
console.log(`shape features of ${rows.length} images: ${((performance.now() - s0) / 1000).toFixed(1)} s`);
const mu = new Float64Array(K), sd = new Float64Array(K);
for (const r of train) shapes.get(r.id)!.forEach((v, k) => (mu[k] += v / train.length));
for (const r of train) shapes.get(r.id)!.forEach((v, k) => (sd[k] += (v - mu[k]!) ** 2 / train.length));
const z = (id: number, scale: number) => Float32Array.from(shapes.get(id)!, (v, k) => ((v - mu[k]!) / Math.sqrt(sd[k]! + 1e-9)) * scale);
const withShape = (m: Float32Array, list: typeof rows, scale: number): Float32Array => {
  if (!scale) return m;
  const out = new Float32Array(list.length * (D + K));
  list.forEach((r, i) => { out.set(m.subarray(i * D, i * D + D), i * (D + K)); out.set(z(r.id, scale), i * (D + K) + D); });
  return out;
};
const yh = y(held);
const acc = (p: Float32Array) => held.filter((_, i) => argmax(Array.from(p.subarray(i * 5, i * 5 + 5))) === yh[i]).length;
for (const v of JSON.parse(variantsJson!) as Array<Record<string, unknown>>) {
  const sc = (v.shape as number) ?? 0, DD = sc ? D + K : D;
  const mats = [withShape(t0!.matrix, train, sc), withShape(t2!.matrix, train, sc)];
  const x = new Float32Array(mats.reduce((a, m) => a + m.length, 0));
  mats.reduce((at, m) => (x.set(m, at), at + m.length), 0);
  const yt = Int32Array.from(mats.flatMap(() => Array.from(y(train))));
  const m = await trainHead(x, DD, yt, 5, {
    dense: (v.dense as number[]) ?? [128], dropout: 0.3, epochs: (v.epochs as number) ?? 40, batchSize: 128,
    learningRate: (v.lr as number) ?? 0.001, seed: (v.seed as number) ?? 42, ...HEAD_RECIPE,
  });
  const one = acc(predictHead(m, withShape(hv[0]!.matrix, held, sc), DD));
  const eight = acc(averageViews(hv.map((f) => predictHead(m, withShape(f.matrix, held, sc), DD))));
  console.log(`${JSON.stringify(v)}\tone view ${held.length - one} wrong\teight views ${held.length - eight} wrong of ${held.length}`);
  m.dispose();
}
lib.close();
