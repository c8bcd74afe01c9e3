// Builds the main and preload bundles with the project's electron-vite config into a private folder under out/
// (so bare imports still resolve from the project's node_modules) and removes it when the test file ends.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../..');

export function buildElectronBundles(): { outDir: string; main: string; preload: string } {
  const rel = path.join('out', `.test-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  const outDir = path.join(ROOT, rel);
  // process exit, not node:test's after(): this may be called from inside a before() hook.
  process.on('exit', () => fs.rmSync(outDir, { recursive: true, force: true }));
  execFileSync(
    process.execPath,
    [
      'node_modules/electron-vite/bin/electron-vite.js',
      'build',
      '-c',
      'tests/helpers/electron-vite.main-only.config.ts',
      '--outDir',
      rel,
      '--logLevel',
      'error',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { outDir, main: path.join(outDir, 'main', 'index.js'), preload: path.join(outDir, 'preload', 'index.cjs') };
}
