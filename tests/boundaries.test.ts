// The layer table of ARCHITECTURE.md is enforced, not just written down: dependency-cruiser checks every import
// in src/ against .dependency-cruiser.cjs (the same command as `npm run lint:deps`). The second test runs the same
// rules over a small tree with one import across each boundary, so a rule that silently stopped matching (a
// renamed folder, a resolver change) fails here instead of passing everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/root';
import { tempDir } from './helpers/tmp';

const CRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

/** The `lint:deps` command; its exit status is the number of violations. */
function cruise(cwd: string) {
  return spawnSync(process.execPath, [CRUISE, '--config', CONFIG, '--output-type', 'err', 'src'], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
}

test('src/ imports respect the layer boundaries and have no cycles', { timeout: 120_000 }, () => {
  const r = cruise(ROOT);
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /no dependency violations found \(\d{3,} modules/, 'the cruise must actually see the source tree');
});

/** One file per entry; each comment names the rule its import must break (or "allowed"). */
const FIXTURE: Record<string, string> = {
  'node_modules/electron/package.json': '{ "name": "electron", "main": "index.js" }',
  'node_modules/electron/index.js': 'module.exports = {};',
  'node_modules/zod/package.json': '{ "name": "zod", "main": "index.js" }',
  'node_modules/zod/index.js': 'module.exports = {};',
  'src/shared/contract.ts': "import { z } from 'zod';\nexport const ok = z;", // allowed
  'src/shared/paths.ts': "import path from 'node:path';\nexport const sep = path.sep;", // shared-only-zod
  'src/renderer/src/app/view.ts': "import { scan } from '../../../main/services/scan';\nexport const v = scan;", // renderer-not-to-main
  'src/renderer/src/app/disk.ts': "import fs from 'node:fs';\nexport const d = fs;", // renderer-not-to-node
  'src/renderer/src/app/ok.tsx': "import { ok } from '../../../shared/contract';\nexport const App = () => ok;", // allowed
  'src/preload/index.ts': "import { app } from 'electron';\nimport { model } from '../main/engine/model';\nexport const p = [app, model];", // preload-not-to-main (electron allowed)
  'src/main/services/scan.ts': "import { app } from 'electron';\nexport const scan = app;", // electron-only-in-electron-host
  'src/main/services/host.ts': "import { ctx } from '../api/context';\nexport const h = ctx;", // services-not-to-hosts
  'src/main/engine/model.ts': "import { scan } from '../services/scan';\nexport const model = scan;", // engine-not-to-app
  'src/main/engine/a.ts': "import { b } from './b';\nexport const a = () => b;", // no-circular
  'src/main/engine/b.ts': "import { a } from './a';\nexport const b = () => a;", // no-circular
  'src/main/workers/run-host.ts': "import { ctx } from '../api/context';\nexport const w = ctx;", // workers-not-to-hosts
  'src/main/repos/runs.repo.ts': "import { scan } from '../services/scan';\nexport const r = scan;", // repos-not-to-services
  'src/main/api/context.ts': "import { scan } from '../services/scan';\nimport { r } from '../repos/runs.repo';\nexport const ctx = [scan, r];", // allowed
  'src/main/electron/app.ts': "import { app } from 'electron';\nimport { ctx } from '../api/context';\nexport const e = [app, ctx];", // allowed
  'src/main/index.ts': "import { app } from 'electron';\nimport { e } from './electron/app';\nexport const i = [app, e];", // allowed
  'src/main/cli/main.ts': "import { gone } from './missing';\nexport const c = gone;", // not-to-unresolvable
};

test('the rules catch an import across each boundary', { timeout: 120_000 }, () => {
  const dir = tempDir('paddy-boundaries-');
  for (const [file, text] of Object.entries(FIXTURE)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const r = cruise(dir);
  const out = `${r.stdout}${r.stderr}`;
  // One line per violation: "error <rule>: <from> → <to>" (a cycle continues on the next lines).
  const found = [...r.stdout.matchAll(/^\s*error ([\w-]+): (\S+) →/gm)].map((m) => `${m[1]}: ${m[2]}`).sort();
  assert.deepEqual(found, [
    'electron-only-in-electron-host: src/main/services/scan.ts',
    'engine-not-to-app: src/main/engine/model.ts',
    'no-circular: src/main/engine/a.ts',
    'not-to-unresolvable: src/main/cli/main.ts',
    'preload-not-to-main: src/preload/index.ts',
    'renderer-not-to-main: src/renderer/src/app/view.ts',
    'renderer-not-to-node: src/renderer/src/app/disk.ts',
    'repos-not-to-services: src/main/repos/runs.repo.ts',
    'services-not-to-hosts: src/main/services/host.ts',
    'shared-only-zod: src/shared/paths.ts',
    'workers-not-to-hosts: src/main/workers/run-host.ts',
  ], out);
  assert.equal(r.status, found.length, `the exit status counts the violations\n${out}`);
});
