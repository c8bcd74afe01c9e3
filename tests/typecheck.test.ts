// The type checker is part of the suite: node code (main, preload, shared, tests, benches, and every renderer
// .ts module, since node tests import the renderer's stores and math) and web code (renderer, shared) are checked
// under their own tsconfig, so code using what its runtime lacks (the DOM in node, Node in the page) fails here.
import { test } from 'node:test';
import { ROOT } from './helpers/root';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

for (const project of ['tsconfig.node.json', 'tsconfig.web.json']) {
  test(`${project} type-checks`, { timeout: 180_000 }, () => {
    const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
}
