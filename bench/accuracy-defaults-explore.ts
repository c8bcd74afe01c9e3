// Exploration behind BENCHMARKS.md "Accuracy of the defaults" (settings tried): in-process, on split 0 of
// accuracy-defaults.bench.ts's rule with its 'paddy-holdout' seed (per class, files by sha1; first 20% held out),
// training on a hash-chosen 70% of the rest (like a library's train split). Decoded pixels and features are kept
// in $PADDY_EXPLORE_DIR (default /tmp/paddy-explore); every result is appended to results.tsv there.
//   node --import tsx bench/accuracy-defaults-explore.ts cnn '{"size":64,"filters":[16,32,64,128],"dense":[128],"epochs":12,"augment":true,"ls":0.05,"warmup":0.1,"lr":0.002}'
//   node --import tsx bench/accuracy-defaults-explore.ts features        (once: frozen MobileNetV2 features of all 12,000)
//   node --import tsx bench/accuracy-defaults-explore.ts head '{"dense":[256],"ls":0.05,"cosine":true,"epochs":40}'
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { decodeMany } from '../src/main/engine/data/images';
import { buildCnn } from '../src/main/engine/models/cnn';
import { fitImages, predictImages } from '../src/main/engine/train/cnn-trainer';
import { predictHead, trainHead } from '../src/main/engine/train/head-trainer';
import { createExtractor, extractFiles } from '../src/main/engine/features/feature-cache';
import { useBackend } from '../src/main/engine/backends';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RICE = path.resolve(root, '../shared/datasets/rice');
const OUT = process.env.PADDY_EXPLORE_DIR ?? '/tmp/paddy-explore';
fs.mkdirSync(OUT, { recursive: true });
const mode = process.argv[2];
const cfg = JSON.parse(process.argv[3] ?? '{}');
const classes = fs.readdirSync(RICE).filter((d) => fs.statSync(path.join(RICE, d)).isDirectory()).sort();
const h = (s: string) => crypto.createHash('sha1').update(s).digest('hex');
const files: string[] = [], ys: number[] = [], part: string[] = [];
classes.forEach((c, ci) => {
  const names = fs.readdirSync(path.join(RICE, c)).filter((f) => f.endsWith('.jpg'));
  const order = names.map((f) => ({ f, k: h(`paddy-holdout:${c}/${f}`) })).sort((a, b) => (a.k < b.k ? -1 : 1));
  const nHold = Math.floor(0.2 * order.length);
  order.forEach((o, i) => {
    files.push(path.join(RICE, c, o.f));
    ys.push(ci);
    part.push(i < nHold ? 'holdout' : parseInt(h(`paddy-libsplit:${c}/${o.f}`).slice(0, 8), 16) / 2 ** 32 < 0.7 ? 'train' : 'libother');
  });
});
const rows = (p: string) => ys.map((_, i) => i).filter((i) => part[i] === p);
const record = (line: string) => {
  console.log(line);
  fs.appendFileSync(path.join(OUT, 'results.tsv'), `${new Date().toISOString()}\t${line}\tload ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}\n`);
};
const score = (probs: Float32Array, idx: number[]) => {
  let ok = 0;
  idx.forEach((r, j) => {
    let b = 0;
    for (let k = 1; k < classes.length; k++) if (probs[j * classes.length + k]! > probs[j * classes.length + b]!) b = k;
    if (b === ys[r]) ok++;
  });
  return `${((100 * ok) / idx.length).toFixed(2)}% (${idx.length - ok} wrong of ${idx.length})`;
};

if (mode === 'cnn') {
  const S: number = cfg.size ?? 48;
  const per = S * S * 3;
  const cache = path.join(OUT, `pixels-${S}.bin`);
  let px: Uint8Array[];
  if (fs.existsSync(cache)) {
    const buf = fs.readFileSync(cache);
    px = files.map((_, i) => new Uint8Array(buf.buffer, buf.byteOffset + i * per, per));
  } else {
    px = await decodeMany(files, S, { concurrency: 4 });
    fs.writeFileSync(cache, Buffer.concat(px.map((p) => Buffer.from(p))));
  }
  await useBackend('auto', 'train-conv');
  const tr = rows('train'), ho = rows('holdout');
  const model = buildCnn({ imageSize: S, filters: cfg.filters ?? [16, 32, 64], dense: cfg.dense ?? [64], dropout: cfg.dropout ?? 0.2, numClasses: classes.length, seed: cfg.seed ?? 42 });
  const t0 = performance.now();
  await fitImages(model, { pixels: tr.map((i) => px[i]!), y: Int32Array.from(tr, (i) => ys[i]!) }, {
    size: S, epochs: cfg.epochs ?? 8, batchSize: cfg.batch ?? 32, learningRate: cfg.lr ?? 0.001, seed: cfg.seed ?? 42, augment: cfg.augment ?? false,
    labelSmoothing: cfg.ls, warmup: cfg.warmup, augmentation: cfg.aug,
    onEpoch: (m) => console.error(`epoch ${m.epoch} loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)} (${m.seconds.toFixed(0)} s)`),
  });
  const secs = (performance.now() - t0) / 1000;
  record(`CNN ${JSON.stringify(cfg)}\ttrain=${tr.length}\theld-out ${score(predictImages(model, ho.map((i) => px[i]!), S), ho)}\ttrain ${secs.toFixed(0)} s\tparams ${model.countParams()}`);
  model.dispose();
} else if (mode === 'features') {
  await useBackend('auto', 'infer');
  const ex = await createExtractor(path.resolve(root, '../shared/models/mobilenet_v2'), 1);
  const out = new Float32Array(files.length * ex.dims);
  await extractFiles(files, (x, n) => ex.extract(x, n), { batchSize: 32, onBatch: (s, f) => out.set(f, s * ex.dims) });
  fs.writeFileSync(path.join(OUT, 'features.bin'), Buffer.from(out.buffer));
  await ex.dispose();
} else if (mode === 'head') {
  const D = 1280;
  const b = fs.readFileSync(path.join(OUT, 'features.bin'));
  const F = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  await useBackend('auto', 'train-dense');
  const tr = rows('train'), ho = rows('holdout');
  const pick = (idx: number[]) => {
    const x = new Float32Array(idx.length * D);
    idx.forEach((r, j) => x.set(F.subarray(r * D, (r + 1) * D), j * D));
    return x;
  };
  const t0 = performance.now();
  const m = await trainHead(pick(tr), D, Int32Array.from(tr, (i) => ys[i]!), classes.length, {
    dense: cfg.dense ?? [64], dropout: cfg.dropout ?? 0.3, epochs: cfg.epochs ?? 20, batchSize: cfg.batch ?? 128, learningRate: cfg.lr ?? 0.001, seed: cfg.seed ?? 42,
    labelSmoothing: cfg.ls, cosineDecay: cfg.cosine, warmup: cfg.warmup,
  });
  const secs = (performance.now() - t0) / 1000;
  record(`HEAD ${JSON.stringify(cfg)}\ttrain=${tr.length}\theld-out ${score(predictHead(m, pick(ho), D), ho)}\t${secs.toFixed(1)} s`);
  m.dispose();
} else {
  console.error('usage: accuracy-defaults-explore.ts cnn|features|head [JSON settings]');
  process.exit(2);
}
process.exit(0);
