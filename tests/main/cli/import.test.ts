import { test } from 'node:test';
import { ROOT } from '../../helpers/root';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { riceSubset } from '../../helpers/rice-subset';
import { tempDir } from '../../helpers/tmp';


function paddy(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/paddy.mjs', ...args], { cwd: ROOT, env: { ...process.env, PADDY_LIBRARY: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

test('paddy import --json prints one JSON object; re-run reports everything already present; stats and export agree', { timeout: 120_000 }, async () => {
  const src = riceSubset(4, { classes: ['Basmati', 'Ipsala'] });
  fs.writeFileSync(path.join(src, 'Ipsala', 'broken.jpg'), 'not a jpeg');
  const lib = tempDir('paddy-cli-');
  const first = await paddy('import', src, '--library', lib, '--json');
  assert.equal(first.code, 0, first.err);
  const lines = first.out.trim().split('\n');
  assert.equal(lines.length, 1, 'exactly one line of JSON');
  const r = JSON.parse(lines[0]!);
  assert.equal(r.imported, 8);
  assert.equal(r.alreadyPresent, 0);
  assert.equal(r.conflicts, 0);
  assert.deepEqual(r.skipped, [{ path: path.join(src, 'Ipsala', 'broken.jpg'), reason: 'not an image: the file contains text' }]);
  assert.deepEqual(r.classes, { Basmati: 4, Ipsala: 4 });

  const [again, stats, human] = await Promise.all([
    paddy('import', src, '--library', lib, '--json'),
    paddy('stats', '--library', lib, '--json'),
    paddy('stats', '--library', lib),
  ]);
  const r2 = JSON.parse(again.out);
  assert.deepEqual([r2.imported, r2.alreadyPresent], [0, 8]);
  const s = JSON.parse(stats.out);
  assert.equal(s.total, 8);
  assert.deepEqual(s.classes.map((c: { name: string; total: number }) => [c.name, c.total]), [['Basmati', 4], ['Ipsala', 4]]);
  assert.equal(s.splits.train + s.splits.val + s.splits.test, 8);
  assert.match(human.out, /Basmati\s+4/);

  const out = path.join(tempDir(), 'exported');
  const csv = path.join(tempDir(), 'labels.csv');
  const ex = await paddy('export', out, '--csv', csv, '--library', lib);
  assert.equal(ex.code, 0, ex.err);
  assert.match(ex.out, /Exported 8 images/);
  assert.equal(fs.readFileSync(csv, 'utf8').trim().split('\n').length, 9);
  const refused = await paddy('export', out, '--library', lib);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /^paddy export: export folder .* is not empty/);
});

test('paddy import fails with one readable line (no stack) for a missing folder, an unwritable library, no folder', { timeout: 120_000 }, async () => {
  const lib = tempDir('paddy-cli-');
  const notADir = path.join(tempDir(), 'file');
  fs.writeFileSync(notADir, 'x');
  const src = riceSubset(1, { classes: ['Jasmine'] });
  const [missing, unwritable, none, human] = await Promise.all([
    paddy('import', '/no/such/rice', '--library', lib, '--json'),
    paddy('import', src, '--library', path.join(notADir, 'lib')),
    paddy('import', '--library', lib),
    paddy('import', src, '--library', lib),
  ]);
  assert.notEqual(missing.code, 0);
  assert.equal(missing.out, '');
  assert.equal(missing.err, 'paddy import: folder not found: /no/such/rice\n');
  assert.notEqual(unwritable.code, 0);
  assert.match(unwritable.err, /^paddy import: library folder .* is not writable: ENOTDIR\n$/);
  assert.equal(none.code, 2);
  assert.match(none.err, /give the folder to import/);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /^Imported 1 new image from .* \(0 already present, 0 conflicts, 0 skipped\)/);
});

test('paddy demo imports the built-in sample', { timeout: 120_000 }, async () => {
  const lib = tempDir('paddy-cli-');
  const d = await paddy('demo', '--library', lib, '--json');
  assert.equal(d.code, 0, d.err);
  const r = JSON.parse(d.out);
  assert.equal(r.imported, 200);
  assert.equal(Object.keys(r.classes).length, 5);
});
