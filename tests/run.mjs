// Runs every test file with node's test runner (TypeScript through tsx) and ends with the one line CI reads:
// "N passed, N failed". Usage: node tests/run.mjs [substring ...] to run only matching files.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliBundle } from '../scripts/cli-bundle.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const filters = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.ts')) files.push(path.relative(root, p));
  }
})(path.join(root, 'tests'));
files.sort();
const selected = filters.length ? files.filter((f) => filters.some((s) => f.includes(s))) : files;
if (!selected.length) {
  console.log('no test files match');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// The CLI's bundle, built once here rather than by the first test that runs a command.
await cliBundle();
// The studio for the end-to-end tests, likewise: left to them, the first two (run side by side) each saw it
// missing in a fresh clone and built it at the same time into the same folder.
if (selected.some((f) => f.startsWith(path.join('tests', 'e2e')))) {
  const code = await new Promise((resolve) => {
    const build = `import('./src/main/web/build-studio.ts').then(async (m) => { if (m.studioBuildNeeded()) await m.buildStudio(); })`;
    spawn(process.execPath, ['--import', 'tsx', '-e', build], { cwd: root, stdio: 'inherit' }).on('close', resolve);
  });
  if (code !== 0) console.log('warning: building the studio failed; the end-to-end tests will say why');
}
const args = ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...selected];
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let tail = '';
child.stdout.on('data', (d) => {
  process.stdout.write(d);
  tail = (tail + d.toString()).slice(-4000);
});
child.on('close', (code) => {
  const num = (k) => Number((tail.match(new RegExp(`ℹ ${k} (\\d+)`)) ?? [])[1] ?? 0);
  const passed = num('pass');
  let failed = num('fail') + num('cancelled');
  if (code !== 0 && failed === 0) failed = 1; // the runner itself failed
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
});
