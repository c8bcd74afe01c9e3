// Folder shapes that used to make the walk explode or misreport: a "diamond" of directory symlinks (2^levels
// paths to one folder) and file names that are not valid UTF-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openLibrary } from '../../../../src/main/library';
import { importFolder } from '../../../../src/main/services/import/index';
import { walkImportFolder } from '../../../../src/main/services/import/walk';
import { riceBytes } from '../../../helpers/rice-subset';
import { tempDir } from '../../../helpers/tmp';

test('a 15-level symlink diamond is walked in well under a second and its one image imported once', async () => {
  const base = tempDir();
  const LEVELS = 15;
  // real/k holds two links, a and b, both to real/k+1: 2^15 paths lead to real/15's one image.
  for (let k = 0; k <= LEVELS; k++) fs.mkdirSync(path.join(base, 'real', String(k)), { recursive: true });
  for (let k = 0; k < LEVELS; k++) {
    fs.symlinkSync(`../${k + 1}`, path.join(base, 'real', String(k), 'a'));
    fs.symlinkSync(`../${k + 1}`, path.join(base, 'real', String(k), 'b'));
  }
  fs.writeFileSync(path.join(base, 'real', String(LEVELS), 'grain.jpg'), riceBytes('Jasmine', 0));
  const src = path.join(base, 'src');
  fs.mkdirSync(src);
  fs.symlinkSync(path.join(base, 'real', '0'), path.join(src, 'Jasmine'));

  const t0 = performance.now();
  const walk = await walkImportFolder(src);
  const ms = performance.now() - t0;
  assert.ok(ms < 500, `walk took ${ms.toFixed(0)} ms`);
  assert.deepEqual(walk.files.map((f) => path.relative(src, f.path)), [path.join('Jasmine', ...Array(LEVELS).fill('a'), 'grain.jpg')]);
  // Each second way into a folder is reported once, naming the way that was walked.
  assert.equal(walk.skipped.length, LEVELS);
  // Depth first: the deepest second link is met first; real/15 was already walked through a/a/…/a.
  assert.deepEqual(walk.skipped[0], {
    path: path.join(src, 'Jasmine', ...Array(LEVELS - 1).fill('a'), 'b'),
    reason: `same folder as ${path.join(src, 'Jasmine', ...Array(LEVELS).fill('a'))} (reached again through a symlink); its files are imported once`,
  });

  const lib = openLibrary(tempDir(), { create: true });
  const report = await importFolder(lib, src);
  assert.equal(report.imported, 1);
  assert.equal(report.alreadyPresent, 0);
  assert.equal((lib.db.prepare('SELECT COUNT(*) n FROM image_sources').get() as { n: number }).n, 1);
  lib.close();
});

test('a folder linked from two classes still makes a conflict (revisits are only collapsed within a class)', async () => {
  const src = tempDir();
  fs.mkdirSync(path.join(src, 'Arborio', 'shared'), { recursive: true });
  fs.mkdirSync(path.join(src, 'Basmati'));
  fs.writeFileSync(path.join(src, 'Arborio', 'shared', 'x.jpg'), riceBytes('Arborio', 4));
  fs.symlinkSync(path.join(src, 'Arborio', 'shared'), path.join(src, 'Basmati', 'shared'));
  const lib = openLibrary(tempDir(), { create: true });
  const report = await importFolder(lib, src);
  assert.equal(report.imported, 1);
  assert.equal(report.conflicts, 1);
  assert.deepEqual(report.skipped, []);
  lib.close();
});

test('a file or folder whose name is not valid UTF-8 is skipped with that reason, not as a broken symlink', async () => {
  const src = tempDir();
  const A = path.join(src, 'Arborio');
  fs.mkdirSync(A);
  fs.writeFileSync(path.join(A, 'ok.jpg'), riceBytes('Arborio', 5));
  const raw = (dir: string, bytes: number[]): Buffer => Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(bytes)]);
  fs.writeFileSync(raw(A, [0x66, 0xff, 0x2e, 0x6a, 0x70, 0x67]), riceBytes('Arborio', 6)); // "f\xff.jpg"
  fs.mkdirSync(raw(A, [0x64, 0xfe]));
  fs.writeFileSync(Buffer.concat([raw(A, [0x64, 0xfe]), Buffer.from('/inside.jpg')]), riceBytes('Arborio', 7));
  fs.mkdirSync(raw(src, [0x43, 0xc3])); // a class folder "C\xc3" (a cut-off two-byte sequence)
  fs.writeFileSync(Buffer.concat([raw(src, [0x43, 0xc3]), Buffer.from('/x.jpg')]), riceBytes('Arborio', 8));
  // A real U+FFFD in a name is valid UTF-8 and imports.
  fs.writeFileSync(path.join(A, 'odd \uFFFD name.jpg'), riceBytes('Arborio', 9));

  const lib = openLibrary(tempDir(), { create: true });
  const report = await importFolder(lib, src);
  assert.equal(report.imported, 2, JSON.stringify(report.skipped));
  assert.deepEqual(
    report.skipped.map((s) => [path.relative(src, s.path), s.reason]),
    [
      ['Arborio/d\uFFFD', 'folder name is not valid UTF-8'],
      ['Arborio/f\uFFFD.jpg', 'file name is not valid UTF-8'],
      ['C\uFFFD', 'folder name is not valid UTF-8'],
    ],
  );
  lib.close();
});
