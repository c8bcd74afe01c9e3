// The CLI's start-up: the TypeScript sources bundled by esbuild into out/cli/main (paddy.js, the worker process
// train.worker.js and the ONNX Runtime step's worker thread ort-step.worker.js), rebuilt on the first run after a
// source changes. Every command and every worker it forks then starts from three files instead of compiling ~300
// modules through tsx's loader thread: ~1.3 s less CPU per process (half its start-up). Plain JavaScript, so it
// runs before anything can compile TypeScript.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'out', 'cli', 'main');
const STAMP = path.join(OUT, 'built-from');
const SOURCES = ['src/main', 'src/shared'].map((d) => path.join(ROOT, d));
const ENTRIES = {
  paddy: 'src/main/cli/main.ts',
  'train.worker': 'src/main/train.worker.ts',
  'ort-step.worker': 'src/main/engine/ort-train/step.worker.ts',
};

function newestMtime(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

function fresh() {
  let built;
  try {
    built = fs.statSync(STAMP).mtimeMs;
  } catch {
    return false;
  }
  const newest = Math.max(fs.statSync(path.join(ROOT, 'package.json')).mtimeMs, ...SOURCES.map(newestMtime));
  return newest <= built;
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  // Built beside the output and renamed into it file by file: two commands starting at once may both build,
  // and a process never imports a half-written file.
  const tmp = `${OUT}.tmp-${process.pid}`;
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'silent',
    // CommonJS parts (the tfjs loaders) call require(), which an ES module bundle has to be given.
    banner: { js: "import { createRequire as __paddyCreateRequire } from 'node:module'; const require = __paddyCreateRequire(import.meta.url);" },
  });
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(tmp)) fs.renameSync(path.join(tmp, f), path.join(OUT, f));
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

/** The bundle's entry as a file URL, built first when missing or older than a source; null when it can't be built. */
export async function cliBundle() {
  try {
    if (!fresh()) await build();
    return pathToFileURL(path.join(OUT, 'paddy.js')).href;
  } catch {
    return null;
  }
}

// `node scripts/cli-bundle.mjs`: build now (npm test does, so the first test's command doesn't pay for it).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = await cliBundle();
  if (!url) {
    console.error('could not bundle the CLI (it will run from the sources through tsx)');
    process.exitCode = 1;
  }
}
