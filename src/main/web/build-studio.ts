// `npx paddy serve` right after `npm ci` must serve the studio, not a 503 "not built": when the built renderer
// (out/renderer) is missing, or older than its sources in a checkout, build it first (electron-vite, the same build
// `npm run build` makes). The end-to-end tests use the same check, so the browser never sees a stale studio.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../util/project-root';

export const PROJECT_ROOT = projectRoot();
export const RENDERER_OUT = path.join(PROJECT_ROOT, 'out/renderer');

function newestMtime(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Why the studio needs building ('missing' | 'stale'), or null when out/renderer is up to date. */
export function studioBuildNeeded(root = PROJECT_ROOT): 'missing' | 'stale' | null {
  const index = path.join(root, 'out/renderer/index.html');
  if (!fs.existsSync(index)) return fs.existsSync(path.join(root, 'src/renderer')) ? 'missing' : null;
  const built = fs.statSync(index).mtimeMs;
  const sources = Math.max(newestMtime(path.join(root, 'src/renderer')), newestMtime(path.join(root, 'src/shared')));
  return sources > built ? 'stale' : null;
}

/** Runs the electron-vite build; rejects with the tail of its output when it fails. */
export function buildStudio(root = PROJECT_ROOT): Promise<void> {
  const cli = path.join(root, 'node_modules/electron-vite/bin/electron-vite.js');
  if (!fs.existsSync(cli)) return Promise.reject(new Error(`cannot build the studio: ${cli} is missing (run npm ci)`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer): void => void (tail = (tail + d.toString()).slice(-2000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`building the studio failed (exit ${code}): ${tail.trim()}`))));
  });
}
