// Exploration behind BENCHMARKS.md "Accuracy of the defaults" (settings tried): in-process, on split 0 of
// accuracy-defaults.bench.ts's rule with its 'paddy-holdout' seed (per class, files by sha1; first 20% held out),
// training on a hash-chosen 70% of the rest (like a library's train split). Decoded pixels and features are kept
// in $PADDY_EXPLORE_DIR (default /tmp/paddy-explore); every result is appended to results.tsv there.
//   node --import tsx bench/accuracy-defaults-explore.ts cnn '{"size":64,"filters":[16,32,64,128],"dense":[128],"epochs":12,"augment":true,"ls":0.05,"warmup":0.1,"lr":0.002}'
//   node --import tsx bench/accuracy-defaults-explore.ts features        (once: frozen MobileNetV2 features of all 12,000)
//   node --import tsx bench/accuracy-defaults-explore.ts head '{"dense":[256],"ls":0.05,"cosine":true,"epochs":40}'
//   node --import tsx bench/accuracy-defaults-explore.ts cut '{"blocks":2}'   (once per block count: cut activations of all 12,000)
//   node --import tsx bench/accuracy-defaults-explore.ts finetune '{"blocks":2,"epochs":5,"lr":0.0001,"cosine":true,"ls":0.05}'
//     (the default head first, then fineTune on the cached cut; held-out accuracy after every tuned epoch)
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { augment, decodeMany, toBatch } from '../src/main/engine/data/images';
import { buildCnn } from '../src/main/engine/models/cnn';
import { fitImages, predictImages } from '../src/main/engine/train/cnn-trainer';
import { predictHead, trainHead } from '../src/main/engine/train/head-trainer';
import { createExtractor, extractFiles } from '../src/main/engine/features/feature-cache';
import { useBackend } from '../src/main/engine/backends';
import { loadBase } from '../src/main/engine/weights/find';
import { splitBase, tryCutRunner } from '../src/main/engine/train/finetune-cut';
import { fineTune } from '../src/main/engine/train/mobilenet-trainer';
import { defaultConfig, HEAD_RECIPE } from '../src/main/engine/config';
import { predictImageViews } from '../src/main/engine/inference';
import { ALL_VIEWS } from '../src/main/engine/data/views';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RICE = path.resolve(root, '../shared/datasets/rice');
const OUT = process.env.PADDY_EXPLORE_DIR ?? '/tmp/paddy-explore';
fs.mkdirSync(OUT, { recursive: true });
const mode = process.argv[2];
const cfg = JSON.parse(process.argv[3] ?? '{}');
// $PADDY_EXPLORE_SPLIT=N: another held-out 20% (seed 'paddy-holdout-N'), for a second look at a lever.
const SPLIT = process.env.PADDY_EXPLORE_SPLIT ?? '';
const HOLD = SPLIT ? `paddy-holdout-${SPLIT}` : 'paddy-holdout';
const HOLD_FILE = SPLIT ? `holdout-s${SPLIT}` : 'holdout';
const classes = fs.readdirSync(RICE).filter((d) => fs.statSync(path.join(RICE, d)).isDirectory()).sort();
const h = (s: string) => crypto.createHash('sha1').update(s).digest('hex');
const files: string[] = [], ys: number[] = [], part: string[] = [];
classes.forEach((c, ci) => {
  const names = fs.readdirSync(path.join(RICE, c)).filter((f) => f.endsWith('.jpg'));
  const order = names.map((f) => ({ f, k: h(`${HOLD}:${c}/${f}`) })).sort((a, b) => (a.k < b.k ? -1 : 1));
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
  // "all": train on all 9,600 non-held-out images, as the PyTorch peer does (batch-norm CNN exploration, issue 12).
  const tr = cfg.trainOn === 'all' ? [...rows('train'), ...rows('libother')] : rows('train'), ho = rows('holdout');
  const model = buildCnn({ imageSize: S, filters: cfg.filters ?? [16, 32, 64], dense: cfg.dense ?? [64], dropout: cfg.dropout ?? 0.2, numClasses: classes.length, seed: cfg.seed ?? 42, batchNorm: cfg.bn, globalPool: cfg.gap });
  const t0 = performance.now();
  await fitImages(model, { pixels: tr.map((i) => px[i]!), y: Int32Array.from(tr, (i) => ys[i]!) }, {
    size: S, epochs: cfg.epochs ?? 8, batchSize: cfg.batch ?? 32, learningRate: cfg.lr ?? 0.001, seed: cfg.seed ?? 42, augment: cfg.augment ?? false,
    labelSmoothing: cfg.ls, warmup: cfg.warmup, augmentation: cfg.aug,
    onEpoch: (m) => console.error(`epoch ${m.epoch} loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)} (${m.seconds.toFixed(0)} s)`),
    onEngine: (e) => console.error(`engine: ${e}`), // batch-norm CNN (issue 12): shows whether the ONNX step or tfjs trained it
  });
  const secs = (performance.now() - t0) / 1000;
  // Test-time views (issue 12): the same model, each held-out image's eight flips/quarter turns averaged.
  const tta = score(predictImageViews(model, ho.map((i) => px[i]!), S, ALL_VIEWS), ho);
  record(`CNN ${JSON.stringify(cfg)}\ttrain=${tr.length}\theld-out ${score(predictImages(model, ho.map((i) => px[i]!), S), ho)} · eight-view average ${tta}\ttrain ${secs.toFixed(0)} s\tparams ${model.countParams()}`);
  model.dispose();
} else if (mode === 'features') {
  await useBackend('auto', 'infer');
  const ex = await createExtractor(path.resolve(root, '../shared/models/mobilenet_v2'), 1);
  const out = new Float32Array(files.length * ex.dims);
  // {"view":"random"}: features of one seeded non-identity flip/quarter turn per image (a second view: head
  // training on two views, and a two-view test-time average), written to features-vrandom.bin.
  // {"views":[1,…,7]}: the held-out images only, in each of those flips/quarter turns (features-v<N>-holdout.bin):
  // the eight-view test-time average.
  const view = cfg.view as 'random' | undefined;
  const views = (cfg.views as number[] | undefined) ?? [];
  if (view) {
    for (let s = 0; s < files.length; s += 32) {
      const px = (await decodeMany(files.slice(s, s + 32), 224, { concurrency: 2 })).map((p, j) => {
        const v = 1 + (parseInt(h(`paddy-view:${s + j}`).slice(0, 8), 16) % 7);
        return augment(p, 224, () => (v + 0.5) / 8);
      });
      out.set(await ex.extract(toBatch(px, 224, 'mobilenet'), px.length), s * ex.dims);
      if (s % 960 === 0) console.error(`${s} / ${files.length}`);
    }
  } else if (views.length) {
    const ho = rows('holdout');
    for (const v of views) {
      const o = new Float32Array(ho.length * ex.dims);
      for (let s = 0; s < ho.length; s += 32) {
        const px = (await decodeMany(ho.slice(s, s + 32).map((i) => files[i]!), 224, { concurrency: 2 })).map((p) => augment(p, 224, () => (v + 0.5) / 8));
        o.set(await ex.extract(toBatch(px, 224, 'mobilenet'), px.length), s * ex.dims);
      }
      fs.writeFileSync(path.join(OUT, `features-v${v}-${HOLD_FILE}.bin`), Buffer.from(o.buffer));
      console.error(`view ${v} done`);
    }
  } else await extractFiles(files, (x, n) => ex.extract(x, n), { batchSize: 32, onBatch: (s, f) => out.set(f, s * ex.dims) });
  if (!views.length) fs.writeFileSync(path.join(OUT, view ? `features-v${view}.bin` : 'features.bin'), Buffer.from(out.buffer));
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
  // {"views":2}: the training rows twice, as they are and in their second view (features-vrandom.bin); the
  // held-out score is then also given for the average of both views' probabilities (two-view test-time average).
  const b2 = cfg.views === 2 || cfg.tta ? fs.readFileSync(path.join(OUT, 'features-vrandom.bin')) : null;
  const F2 = b2 ? new Float32Array(b2.buffer, b2.byteOffset, b2.byteLength / 4) : null;
  const pick2 = (idx: number[]) => {
    const x = new Float32Array(idx.length * D);
    idx.forEach((r, j) => x.set(F2!.subarray(r * D, (r + 1) * D), j * D));
    return x;
  };
  const xTr = cfg.views === 2 ? Float32Array.from([...pick(tr), ...pick2(tr)]) : pick(tr);
  const yTr = Int32Array.from(cfg.views === 2 ? [...tr, ...tr] : tr, (i) => ys[i]!);
  const t0 = performance.now();
  const m = await trainHead(xTr, D, yTr, classes.length, {
    dense: cfg.dense ?? [64], dropout: cfg.dropout ?? 0.3, epochs: cfg.epochs ?? 20, batchSize: cfg.batch ?? 128, learningRate: cfg.lr ?? 0.001, seed: cfg.seed ?? 42,
    labelSmoothing: cfg.ls, cosineDecay: cfg.cosine, warmup: cfg.warmup,
  });
  const secs = (performance.now() - t0) / 1000;
  const p1 = predictHead(m, pick(ho), D);
  const p2 = F2 ? predictHead(m, pick2(ho), D) : null;
  let tta = p2 ? ` · second view alone ${score(p2, ho)} · two-view average ${score(p1.map((v, i) => (v + p2[i]!) / 2), ho)}` : '';
  if (cfg.tta8) {
    // The average of the eight flips/quarter turns' probabilities (features-v1…7-holdout.bin beside view 0).
    const sum = Float32Array.from(p1);
    for (let v = 1; v < 8; v++) {
      const bv = fs.readFileSync(path.join(OUT, `features-v${v}-${HOLD_FILE}.bin`));
      predictHead(m, new Float32Array(bv.buffer, bv.byteOffset, bv.byteLength / 4), D).forEach((p, i) => (sum[i] += p));
    }
    tta += ` · eight-view average ${score(sum, ho)}`;
  }
  record(`HEAD ${JSON.stringify(cfg)}\ttrain=${yTr.length}\theld-out ${score(p1, ho)}${tta}\t${secs.toFixed(1)} s`);
  m.dispose();
} else if (mode === 'cut' || mode === 'finetune') {
  // MobileNetV2 fine-tuning (issue 12): the production fineTune on cut activations computed once per block count.
  await exploreFineTune(mode, cfg);
} else {
  console.error('usage: accuracy-defaults-explore.ts cnn|features|head|cut|finetune [JSON settings]');
  process.exit(2);
}
process.exit(0);

async function exploreFineTune(m: string, c: Record<string, unknown>): Promise<void> {
  const WEIGHTS = path.resolve(root, '../shared/models/mobilenet_v2/mobilenet_v2_1.00_224_no_top');
  const blocks = (c.blocks as number) ?? 2;
  const cutFile = path.join(OUT, `cut-${blocks}.bin`);
  await useBackend('auto', 'train-conv');
  if (m === 'cut') {
    // view: absent = the image as it is; a number 0–7 = that flip/quarter turn of every image (test-time views);
    // "random" = one seeded non-identity turn per image (a second, real view for training). rows: "holdout" only.
    const view = c.view as number | 'random' | undefined;
    const idx = c.rows === 'holdout' ? rows('holdout') : files.map((_, i) => i);
    const file = view === undefined ? cutFile : path.join(OUT, `cut-${blocks}-v${view}${c.rows === 'holdout' ? '-holdout' : ''}.bin`);
    const base = await loadBase(WEIGHTS);
    const split = splitBase(base, blocks)!;
    const runner = (await tryCutRunner(WEIGHTS, split.bottom))!;
    const per = (split.cutShape as number[]).reduce((a, b) => a * b, 1);
    const out = new Float32Array(idx.length * per);
    const t0 = performance.now();
    const B = 16;
    for (let s = 0; s < idx.length; s += B) {
      const chunk = idx.slice(s, s + B);
      let px = await decodeMany(chunk.map((i) => files[i]!), 224, { concurrency: 2 });
      if (view !== undefined) {
        px = px.map((p, j) => {
          const v = view === 'random' ? 1 + (parseInt(h(`paddy-view:${chunk[j]}`).slice(0, 8), 16) % 7) : view;
          return augment(p, 224, () => (v + 0.5) / 8);
        });
      }
      out.set(await runner.extract(toBatch(px, 224, 'mobilenet'), chunk.length), s * per);
      if (s % 960 === 0) console.error(`${s} / ${idx.length}`);
    }
    await runner.dispose();
    fs.writeFileSync(file, Buffer.from(out.buffer));
    console.error(`cut ${blocks} view ${view ?? 'as is'}: ${idx.length} images in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return;
  }
  const D = 1280;
  const fb = fs.readFileSync(path.join(OUT, 'features.bin'));
  const F = new Float32Array(fb.buffer, fb.byteOffset, fb.byteLength / 4);
  const cb = fs.readFileSync(cutFile);
  const C = new Float32Array(cb.buffer, cb.byteOffset, cb.byteLength / 4);
  const per = C.length / files.length;
  const tr = rows('train'), ho = rows('holdout');
  const pickF = (idx: number[]) => {
    const x = new Float32Array(idx.length * D);
    idx.forEach((r, j) => x.set(F.subarray(r * D, (r + 1) * D), j * D));
    return x;
  };
  const pickC = (idx: number[]) => {
    const x = new Float32Array(idx.length * per);
    idx.forEach((r, j) => x.set(C.subarray(r * per, (r + 1) * per), j * per));
    return { data: x, per };
  };
  const d = defaultConfig('mobilenetv2') as { dense: number[]; dropout: number; epochs: number; batchSize: number; learningRate: number; seed: number };
  const t0 = performance.now();
  const head = await trainHead(pickF(tr), D, Int32Array.from(tr, (i) => ys[i]!), classes.length, {
    dense: (c.dense as number[]) ?? d.dense, dropout: (c.dropout as number) ?? d.dropout, epochs: (c.headEpochs as number) ?? d.epochs, batchSize: d.batchSize, learningRate: d.learningRate, seed: d.seed, ...HEAD_RECIPE,
  });
  const headSecs = (performance.now() - t0) / 1000;
  const headScore = score(predictHead(head, pickF(ho), D), ho);
  console.error(`head: held-out ${headScore} (${headSecs.toFixed(0)} s)`);
  const perEpoch: string[] = [];
  const t1 = performance.now();
  const yTr = Int32Array.from(tr, (i) => ys[i]!), yHo = Int32Array.from(ho, (i) => ys[i]!);
  const out = await fineTune(head, {
    modelDir: WEIGHTS, blocks, epochs: (c.epochs as number) ?? 5, batchSize: (c.batch as number) ?? 16, learningRate: (c.lr as number) ?? 1e-4, seed: d.seed,
    labelSmoothing: c.ls as number | undefined, cosineDecay: c.cosine as boolean | undefined, warmup: c.warmup as number | undefined,
    train: { paths: tr.map((i) => files[i]!), y: yTr },
    validation: { paths: ho.map((i) => files[i]!), y: yHo },
    test: { paths: ho.map((i) => files[i]!) },
    cut: { train: pickC(tr), validation: pickC(ho), test: pickC(ho) },
    onEngine: (e) => console.error(`fine-tune engine: ${e}`),
    onEpoch: (e) => {
      const line = `ep${e.epoch} ${(100 * e.valAccuracy!).toFixed(2)}% (${Math.round((1 - e.valAccuracy!) * ho.length)} wrong)`;
      perEpoch.push(line);
      console.error(`${line}; train loss ${e.loss.toFixed(4)} acc ${e.accuracy.toFixed(4)}; ${e.seconds.toFixed(0)} s`);
    },
  });
  const secs = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage();
  record(`FINETUNE ${JSON.stringify(c)}\ttrain=${tr.length}\thead ${headScore}\theld-out ${score(out.testProbs!, ho)}\tper epoch ${perEpoch.join(', ')}\thead ${headSecs.toFixed(0)} s, tune ${secs.toFixed(0)} s, process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s`);
  out.base.dispose();
  head.dispose();
}
