// A bad-input corpus generated here (no binary fixtures in the repo): every bad file must be reported with its
// path and a reason a person understands, nothing may crash, and every good file must import.
import { test } from 'node:test';
import { ROOT } from '../../../helpers/root';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { openLibrary } from '../../../../src/main/library';
import { importFolder } from '../../../../src/main/services/import/index';
import { fsReason } from '../../../../src/main/services/import/walk';
import { riceBytes } from '../../../helpers/rice-subset';
import { tempDir } from '../../../helpers/tmp';

const isRoot = process.getuid?.() === 0;

/** A valid PNG header that declares width×height but carries almost no data: a decompression bomb's header. */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('bad-input corpus: every bad file reported with a reason, every good one imported, nothing crashes', async () => {
  const src = tempDir('paddy-bad-');
  const A = path.join(src, 'Arborio');
  const B = path.join(src, 'Basmati ✨ grains');
  fs.mkdirSync(path.join(A, 'nested', 'deeper'), { recursive: true });
  fs.mkdirSync(B);
  fs.mkdirSync(path.join(src, 'Empty class'));
  const jpeg = riceBytes('Arborio', 0);
  const good: string[] = [];
  const put = (p: string, data: Buffer | string): string => (fs.writeFileSync(p, data), p);
  const bad: Record<string, RegExp> = {};

  // Good: a plain JPEG, one nested deep, odd names (spaces, emoji, NFD accent), other formats named .jpg.
  good.push(put(path.join(A, 'plain.jpg'), jpeg));
  good.push(put(path.join(A, 'nested', 'deeper', 'deep one.jpg'), riceBytes('Arborio', 1)));
  good.push(put(path.join(B, 'grain 🌾 #1.jpg'), riceBytes('Basmati', 0)));
  good.push(put(path.join(B, 'Cafe\u0301 grain.jpg'), riceBytes('Basmati', 1)));
  const base = sharp(riceBytes('Basmati', 2));
  good.push(put(path.join(B, 'really-a-png.jpg'), await base.clone().png().toBuffer()));
  good.push(put(path.join(B, 'really-a-webp.jpg'), await base.clone().webp().toBuffer()));
  good.push(put(path.join(B, 'really-a-gif.jpg'), await base.clone().gif().toBuffer()));
  good.push(put(path.join(B, 'really-a-tiff.jpg'), await base.clone().tiff().toBuffer()));
  good.push(put(path.join(B, 'no extension'), await base.clone().resize(100).jpeg().toBuffer()));

  // Bad files.
  bad[put(path.join(A, 'zero.jpg'), Buffer.alloc(0))] = /^empty file \(0 bytes\)$/;
  bad[put(path.join(A, 'truncated.jpg'), riceBytes('Arborio', 2).subarray(0, riceBytes('Arborio', 2).length >> 1))] = /^truncated or corrupt JPEG: /;
  bad[put(path.join(A, 'random.jpg'), crypto.randomBytes(4096))] = /^not an image: /;
  bad[put(path.join(A, 'notes.jpg'), 'These are my notes about rice.\nNot a picture at all.\n')] = /^not an image: the file contains text$/;
  bad[put(path.join(A, 'drawing.jpg'), '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')] = /^not an image: SVG files are not supported$/;
  bad[put(path.join(A, 'bomb.png'), pngDeclaring(20000, 20000))] = /^image too large: 20000×20000 px is over the 100 Mpx limit$/;
  bad[put(path.join(A, 'jpeg-header-only.jpg'), jpeg.subarray(0, 2))] = /^truncated or corrupt JPEG/;
  fs.symlinkSync('self-loop.jpg', path.join(A, 'self-loop.jpg'));
  bad[path.join(A, 'self-loop.jpg')] = /^symlink loop$/;
  fs.symlinkSync('..', path.join(A, 'nested', 'back-up'));
  bad[path.join(A, 'nested', 'back-up')] = /^symlink loop: this folder links back to /;
  fs.symlinkSync(path.join(src, 'nowhere.jpg'), path.join(A, 'dangling.jpg'));
  bad[path.join(A, 'dangling.jpg')] = /^broken symlink/;
  execFileSync('mkfifo', [path.join(A, 'pipe.jpg')]);
  bad[path.join(A, 'pipe.jpg')] = /^not an image: a named pipe \(FIFO\)$/;
  bad[path.join(src, 'Empty class')] = /^empty class folder/;
  bad[put(path.join(src, 'stray.jpg'), jpeg)] = /^not inside a class folder/;
  // A duplicate of a broken file fails for the same reason without being decoded twice.
  bad[put(path.join(B, 'truncated copy.jpg'), riceBytes('Arborio', 2).subarray(0, riceBytes('Arborio', 2).length >> 1))] = /^truncated or corrupt JPEG: /;
  // Unreadable files are covered by the next test (root reads anything, so it runs as another user there).

  const before = fs.readdirSync(A).sort();
  const lib = openLibrary(tempDir(), { create: true });
  const report = await importFolder(lib, src, { concurrency: 3 });

  const reasons = new Map(report.skipped.map((s) => [s.path, s.reason]));
  for (const [p, re] of Object.entries(bad)) {
    assert.ok(reasons.has(p), `missing from the report: ${p} (report: ${JSON.stringify(report.skipped, null, 1)})`);
    assert.match(reasons.get(p)!, re, p);
  }
  assert.equal(report.skipped.length, Object.keys(bad).length, JSON.stringify(report.skipped, null, 1));
  assert.equal(report.imported, good.length);
  const paths = (lib.db.prepare('SELECT source_path p FROM images').all() as Array<{ p: string }>).map((r) => r.p).sort();
  assert.deepEqual(paths, [...good].sort());
  const formats = lib.db.prepare(`SELECT format, COUNT(*) n FROM images GROUP BY format ORDER BY format`).all();
  assert.deepEqual(formats, [
    { format: 'gif', n: 1 },
    { format: 'jpeg', n: good.length - 4 },
    { format: 'png', n: 1 },
    { format: 'tiff', n: 1 },
    { format: 'webp', n: 1 },
  ]);
  // Class names come from folder names, odd characters included; an empty folder makes no class.
  const classes = (lib.db.prepare('SELECT name FROM classes ORDER BY position').all() as Array<{ name: string }>).map((c) => c.name);
  assert.deepEqual(classes, ['Arborio', 'Basmati ✨ grains']);
  // The stored report matches what was returned.
  const stored = lib.db.prepare('SELECT path, reason FROM import_skips WHERE import_id = ? ORDER BY id').all(report.importId);
  assert.deepEqual(stored, report.skipped);
  assert.deepEqual(fs.readdirSync(A).sort(), before, 'the source folder is untouched');
  lib.close();
});


/** Whether user nobody can run the CLI from this checkout (a clone under /root is not readable by others). */
function nobodyCanRunCli(): boolean {
  const probe = `require('fs').accessSync(${JSON.stringify(path.join(ROOT, 'node_modules', 'tsx', 'package.json'))}, require('fs').constants.R_OK)`;
  return spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, uid: 65534, gid: 65534 }).status === 0;
}

test('an unreadable file and an unlistable folder are reported as permission denied', async (t) => {
  if (isRoot && !nobodyCanRunCli()) {
    t.skip('tests run as root and this checkout is not readable by user nobody, so permissions cannot be tested');
    return;
  }
  const src = tempDir('paddy-perm-');
  fs.mkdirSync(path.join(src, 'Jasmine', 'locked folder'), { recursive: true });
  fs.writeFileSync(path.join(src, 'Jasmine', 'ok.jpg'), riceBytes('Jasmine', 0));
  fs.writeFileSync(path.join(src, 'Jasmine', 'locked.jpg'), riceBytes('Jasmine', 1));
  fs.writeFileSync(path.join(src, 'Jasmine', 'locked folder', 'inside.jpg'), riceBytes('Jasmine', 2));
  fs.chmodSync(path.join(src, 'Jasmine', 'locked.jpg'), 0o000);
  fs.chmodSync(path.join(src, 'Jasmine', 'locked folder'), 0o000);
  const libDir = tempDir('paddy-perm-lib-');
  let report: { imported: number; skipped: Array<{ path: string; reason: string }> };
  try {
    if (isRoot) {
      // Root bypasses file permissions, so run the real CLI as an unprivileged user (nobody).
      fs.chmodSync(src, 0o755);
      fs.chmodSync(libDir, 0o777);
      const r = spawnSync(process.execPath, ['bin/paddy.mjs', 'import', src, '--library', libDir, '--json'], {
        cwd: ROOT,
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        env: { ...process.env, HOME: libDir },
      });
      assert.equal(r.status, 0, r.stderr);
      report = JSON.parse(r.stdout);
    } else {
      const lib = openLibrary(libDir, { create: true });
      report = await importFolder(lib, src);
      lib.close();
    }
  } finally {
    fs.chmodSync(path.join(src, 'Jasmine', 'locked.jpg'), 0o644);
    fs.chmodSync(path.join(src, 'Jasmine', 'locked folder'), 0o755);
  }
  assert.equal(report.imported, 1);
  // Folder problems are found while walking, so they come first in the report.
  assert.deepEqual(report.skipped, [
    { path: path.join(src, 'Jasmine', 'locked folder'), reason: 'permission denied (cannot list folder)' },
    { path: path.join(src, 'Jasmine', 'locked.jpg'), reason: 'permission denied' },
  ]);
});

test('a lower pixel limit refuses a real image before decoding it', async () => {
  const src = tempDir();
  fs.mkdirSync(path.join(src, 'Big'));
  fs.writeFileSync(path.join(src, 'Big', 'big.jpg'), riceBytes('Ipsala', 0)); // 250×250 = 62,500 px
  fs.writeFileSync(path.join(src, 'Big', 'small.jpg'), await sharp(riceBytes('Ipsala', 1)).resize(100).jpeg().toBuffer());
  const lib = openLibrary(tempDir(), { create: true });
  const r = await importFolder(lib, src, { maxPixels: 50_000 });
  assert.equal(r.imported, 1);
  assert.deepEqual(r.skipped, [{ path: path.join(src, 'Big', 'big.jpg'), reason: 'image too large: 250×250 px is over the 0.1 Mpx limit' }]);
  lib.close();
});

test('file-system errors become reasons a person understands', () => {
  const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });
  assert.equal(fsReason(err('EACCES')), 'permission denied');
  assert.equal(fsReason(err('EACCES'), 'folder'), 'permission denied (cannot list folder)');
  assert.equal(fsReason(err('ELOOP')), 'symlink loop');
  assert.match(fsReason(err('EIO')), /I\/O error/);
});

test('a library that cannot take thumbnails fails the import with one clear error and keeps the library consistent', async () => {
  const src = tempDir();
  fs.mkdirSync(path.join(src, 'Arborio'));
  for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(src, 'Arborio', `${i}.jpg`), riceBytes('Arborio', i));
  const lib = openLibrary(tempDir(), { create: true });
  // A file where the thumbnails folder should be: every thumbnail write fails, as on a full or read-only disk.
  fs.rmSync(lib.paths.thumbs, { recursive: true });
  fs.writeFileSync(lib.paths.thumbs, 'in the way');
  await assert.rejects(importFolder(lib, src, { concurrency: 2 }), /^Error: cannot write thumbnails in .*thumbs: (ENOTDIR|EEXIST)$/);
  const row = lib.db.prepare('SELECT status, error FROM imports').get() as { status: string; error: string };
  assert.equal(row.status, 'failed');
  assert.match(row.error, /cannot write thumbnails/);
  assert.equal((lib.db.prepare('SELECT COUNT(*) n FROM images').get() as { n: number }).n, 0);
  lib.close();
});
