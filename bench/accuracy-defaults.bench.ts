// `npm run bench:defaults`: the defaults checked the way a user would check them, beside the PyTorch peer.
// The rice sample is split class-balanced by a seeded hash (per class, files ordered by sha1(seed:class/name);
// the first 20% are held out). The other 80% is hard-linked into a folder tree and imported into a fresh temp
// library with `paddy import`; `paddy train` runs with DEFAULTS for each model; `paddy eval --images` scores the
// held-out tree, which the library never saw. ../shared/peers/torch_rice_cnn.py (when Debian's python3-torch is
// installed) trains on the same library tree and scores the same held-out tree, in the same run.
// Options: --split-seed N (0), --holdout F (0.2), --models cnn,mobilenetv2, --per-class N (a reduced run),
// --epochs N (override, for quick looks), --train-args="…" (more `paddy train` arguments; the = is needed), --no-torch, --write (append the rows to BENCHMARKS.md), --work DIR.
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RICE = path.resolve(root, '../shared/datasets/rice');
const PEER = path.resolve(root, '../shared/peers/torch_rice_cnn.py');
const WEIGHTS = path.resolve(root, '../shared/models/mobilenet_v2');
const { values } = parseArgs({
  options: {
    'split-seed': { type: 'string', default: '0' },
    holdout: { type: 'string', default: '0.2' },
    models: { type: 'string', default: 'cnn,mobilenetv2' },
    'per-class': { type: 'string' },
    epochs: { type: 'string' },
    'no-torch': { type: 'boolean' },
    write: { type: 'boolean' },
    work: { type: 'string' },
    // MobileNetV2 fine-tuning (issue 12): extra `paddy train` arguments, to measure a candidate before it is the default.
    'train-args': { type: 'string' },
  },
});
const splitSeed = Number(values['split-seed']);
const holdout = Number(values.holdout);
const work = values.work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-defaults-'));
const load = (): string => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sha1 = (s: string): string => crypto.createHash('sha1').update(s).digest('hex');

/** Per class: the held-out files (first `holdout` share by seeded hash) and the library's (the rest). */
function split(): { lib: string; held: string; counts: { lib: number; held: number } } {
  const lib = path.join(work, 'library-images');
  const held = path.join(work, 'held-out');
  const counts = { lib: 0, held: 0 };
  for (const cls of fs.readdirSync(RICE).filter((d) => fs.statSync(path.join(RICE, d)).isDirectory()).sort()) {
    let files = fs.readdirSync(path.join(RICE, cls)).filter((f) => /\.(jpe?g|png)$/i.test(f));
    files = files.map((f) => ({ f, k: sha1(`${splitSeed}:${cls}/${f}`) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((o) => o.f);
    if (values['per-class']) files = files.slice(0, Math.round(Number(values['per-class']) / (1 - holdout)));
    const nHeld = Math.floor(holdout * files.length);
    files.forEach((f, i) => {
      const dir = path.join(i < nHeld ? held : lib, cls);
      fs.mkdirSync(dir, { recursive: true });
      const to = path.join(dir, f);
      // Links, never copies: the images stay where they are.
      if (!fs.existsSync(to)) {
        try {
          fs.linkSync(path.join(RICE, cls, f), to);
        } catch {
          fs.symlinkSync(path.join(RICE, cls, f), to);
        }
      }
      if (i < nHeld) counts.held++;
      else counts.lib++;
    });
  }
  return { lib, held, counts };
}

/** CPU seconds of every finished child process (and theirs) so far: /proc/self/stat cutime + cstime. */
function childCpu(): number {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

function paddy(args: string[]): { out: Record<string, unknown>; seconds: number; cpu: number } {
  const t0 = performance.now();
  const c0 = childCpu();
  const stdout = execFileSync(process.execPath, [path.join(root, 'bin/paddy.mjs'), ...args, '--json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PADDY_MOBILENET_DIR: process.env.PADDY_MOBILENET_DIR ?? WEIGHTS },
  });
  const line = stdout.trim().split('\n').at(-1)!;
  return { out: JSON.parse(line) as Record<string, unknown>, seconds: (performance.now() - t0) / 1000, cpu: childCpu() - c0 };
}

function hasTorch(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The peer, trained on the library tree and scored on the held-out tree: per-epoch accuracy and time. */
function torchPeer(libDir: string, heldDir: string): Promise<{ epochs: Array<{ epoch: number; accuracy: number; seconds: number }>; wall: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const env = { ...process.env, THREADS: process.env.THREADS ?? '2', ...(values.epochs ? { E: values.epochs } : {}) };
    const child = execFile('/usr/bin/python3', [PEER, libDir, heldDir], { env, maxBuffer: 16 << 20 }, (err, stdout) => {
      if (err) return reject(new Error(`torch peer failed: ${err.message}`));
      const epochs = [...stdout.matchAll(/epoch (\d+): held-out accuracy ([\d.]+) \((\d+) images\), training (\d+) s/g)].map((m) => ({ epoch: Number(m[1]), accuracy: Number(m[2]), seconds: Number(m[4]) }));
      resolve({ epochs, wall: (performance.now() - t0) / 1000 });
    });
    child.stdout?.on('data', (d: Buffer) => process.stderr.write(`[torch] ${d}`));
  });
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const s1 = (x: unknown): string => (typeof x === 'number' ? x.toFixed(0) : '—');

const { lib: libImages, held, counts } = split();
console.error(`split seed ${splitSeed}: ${counts.lib} library images, ${counts.held} held out (${work})`);
const library = path.join(work, 'library');
const rows: string[] = [];
const date = new Date().toISOString().slice(0, 16).replace('T', ' ');

const models = values.models!.split(',').filter(Boolean);
if (models.length) {
  const imp = paddy(['import', libImages, '--library', library]);
  console.error(`import ${imp.seconds.toFixed(1)} s (load ${load()})`);
}
for (const model of models) {
  const loadBefore = load();
  const trainArgs = ['train', '--model', model, '--library', library, ...(values.epochs ? ['--epochs', values.epochs] : []), ...(values['train-args']?.split(/\s+/).filter(Boolean) ?? [])];
  const train = paddy(trainArgs);
  const run = train.out as { runId: string; status: string; error?: string; test: { accuracy: number; n: number } | null; seconds: Record<string, number> };
  if (run.status !== 'completed') throw new Error(`${model}: run ${run.runId} ${run.status}: ${run.error}`);
  const ev = paddy(['eval', '--run', run.runId, '--images', held, '--library', library]);
  const e = ev.out as { accuracy: number; n: number; confusion: number[][]; classes: string[] };
  const wrong = e.n - Math.round(e.accuracy * e.n);
  // The settings the run recorded (the defaults when it started), read from the library.
  const db = new Database(path.join(library, 'paddy.db'), { readonly: true });
  const c = JSON.parse((db.prepare('SELECT config FROM runs WHERE id = ?').get(run.runId) as { config: string }).config) as Record<string, unknown>;
  db.close();
  const views = c.testViews ? ', 8 test-time views' : '';
  const setting = model === 'cnn'
    ? `${c.imageSize}px, filters ${(c.filters as number[]).join('/')}, dense ${(c.dense as number[]).join('/') || '—'}, ${c.epochs} ep, batch ${c.batchSize}, lr ${c.learningRate}, augment ${c.augment}${views}${c.shapeFeatures ? ', + shape classifier (0.25)' : ''}`
    : `α${c.alpha}, head ${(c.dense as number[]).join('/') || '—'}, dropout ${c.dropout}, ${c.epochs} ep, batch ${c.batchSize}, lr ${c.learningRate}${c.augment ? ', head on 2 views' : ''}${views}${c.shapeFeatures ? ', + object shape' : ''}${c.fineTuneBlocks ? `, fine-tune ${c.fineTuneBlocks} blocks` : ''}`;
  const line = `| ${date} | split ${splitSeed} | paddy ${model} (defaults: ${setting}) | **${pct(e.accuracy)}** (${wrong} wrong of ${e.n}) | ${pct(run.test!.accuracy)} (n=${run.test!.n}) | train ${train.seconds.toFixed(0)} s (${Object.entries(run.seconds).map(([k, v]) => `${k} ${s1(v)}`).join(', ')}); eval ${ev.seconds.toFixed(0)} s; CPU train ${train.cpu.toFixed(0)} s, eval ${ev.cpu.toFixed(0)} s | ${loadBefore} → ${load()} |`;
  console.log(line);
  console.error(`confusion (${e.classes.join(', ')}): ${JSON.stringify(e.confusion)}`);
  rows.push(line);
}

if (!values['no-torch']) {
  if (!hasTorch()) console.error('python3-torch is not installed: the peer is skipped (apt-get install -y python3-torch python3-torchvision)');
  else {
    const loadBefore = load();
    const t = await torchPeer(libImages, held);
    const last = t.epochs.at(-1);
    const line = `| ${date} | split ${splitSeed} | torch_rice_cnn.py (BN CNN, 64 px, ${t.epochs.length} ep) on all ${counts.lib} library images | **${last ? pct(last.accuracy) : '—'}** (${last ? Math.round((1 - last.accuracy) * counts.held) : '—'} wrong of ${counts.held}); per epoch ${t.epochs.map((x) => pct(x.accuracy)).join(' ')} | — | train ${last?.seconds ?? '—'} s (wall incl. decode ${t.wall.toFixed(0)} s) | ${loadBefore} → ${load()} |`;
    console.log(line);
    rows.push(line);
  }
}

if (values.write) {
  const file = path.join(root, 'BENCHMARKS.md');
  const marker = '<!-- bench:defaults rows -->';
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(marker)) throw new Error(`BENCHMARKS.md has no "${marker}" line to add rows above`);
  fs.writeFileSync(file, text.replace(marker, `${rows.join('\n')}\n${marker}`));
  console.error('rows added to BENCHMARKS.md');
}
