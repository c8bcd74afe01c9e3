// Files that are not photos must cost a header read, not their size: a folder of huge videos and other big
// non-images imports with flat memory, and each is skipped with a reason that names what it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openLibrary } from '../../../../src/main/library';
import sharp from 'sharp';
import { importFolder } from '../../../../src/main/services/import/index';
import { jpegHasFrame } from '../../../../src/main/services/import/sniff';
import { ROOT, BIN } from '../../../helpers/root';
import { riceBytes, riceSubset } from '../../../helpers/rice-subset';
import { tempDir } from '../../../helpers/tmp';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A sparse file: `head` at the start, zeros up to `size` (no disk space used). */
function sparse(p: string, head: Buffer, size: number): string {
  fs.writeFileSync(p, head);
  fs.truncateSync(p, size);
  return p;
}

const mp4Head = (brand: string): Buffer => {
  const b = Buffer.alloc(32);
  b.writeUInt32BE(32, 0);
  b.write(`ftyp${brand}`, 4, 'latin1');
  return b;
};

test('a folder with 1 GiB videos and non-images imports its photos with bounded memory (real CLI, peak RSS)', () => {
  const src = riceSubset(10, { classes: ['Arborio', 'Basmati'] });
  const bad = {
    [sparse(path.join(src, 'Arborio', 'clip.mp4'), mp4Head('isom'), GiB)]: /^not an image: a video \(MP4\/QuickTime\)$/,
    [sparse(path.join(src, 'Basmati', 'movie.mkv'), Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), GiB)]: /^not an image: a video \(Matroska\/WebM\)$/,
    [sparse(path.join(src, 'Arborio', 'zeros.jpg'), Buffer.alloc(0), GiB)]: /^not an image: unrecognised content/,
    // JPEG magic, then nothing: an image by its header, so it is hashed and decoded, but streamed from disk.
    [sparse(path.join(src, 'Basmati', 'fake.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 256 * MiB)]: /^truncated or corrupt JPEG/,
  };
  // A real photo followed by 64 MiB of padding (decoders stop at the end-of-image marker): too big to buffer,
  // so it is decoded from its path, and must still import.
  const padded = sparse(path.join(src, 'Basmati', 'padded.jpg'), riceBytes('Basmati', 50), 64 * MiB);

  // The child writes its own peak RSS to a file as it exits (getrusage of the importing process itself).
  const probe = path.join(tempDir(), 'rss.mjs');
  const rssFile = `${probe}.out`;
  fs.writeFileSync(probe, `import fs from 'node:fs'; process.on('exit', () => fs.writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', probe, BIN, 'import', src, '--library', tempDir(), '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * MiB,
  });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { imported: number; skipped: Array<{ path: string; reason: string }> };
  const peakMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  console.log(`peak RSS ${peakMb.toFixed(0)} MB, ${seconds.toFixed(1)} s for 3 GiB of non-images + 20 photos + 2 large files`);

  assert.equal(report.imported, 21, JSON.stringify(report.skipped));
  const reasons = new Map(report.skipped.map((s) => [s.path, s.reason]));
  for (const [p, re] of Object.entries(bad)) assert.match(reasons.get(p) ?? 'missing', re, p);
  assert.equal(report.skipped.length, Object.keys(bad).length);
  assert.ok(!reasons.has(padded));
  assert.ok(peakMb < 400, `peak RSS ${peakMb.toFixed(0)} MB`);
});

test('non-images are named by their content, whatever their extension', async () => {
  const src = tempDir();
  const A = path.join(src, 'Arborio');
  fs.mkdirSync(A);
  fs.writeFileSync(path.join(A, 'good.jpg'), riceBytes('Arborio', 0));
  const riff = (kind: string): Buffer => Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4, 1), Buffer.from(kind, 'latin1'), Buffer.alloc(64)]);
  const files: Record<string, [Buffer, string]> = {
    'a.jpg': [mp4Head('qt  '), 'a video (MP4/QuickTime)'],
    'b.jpg': [riff('AVI '), 'a video (AVI)'],
    'c.jpg': [riff('WAVE'), 'an audio file (WAV)'],
    'd.jpg': [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), 'a PDF document'],
    'e.jpg': [Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60)]), 'a ZIP archive (or a document stored as one)'],
    'f.jpg': [Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(60)]), 'a program (ELF executable)'],
    'g.jpg': [Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(84)]), 'an SQLite database'],
  };
  for (const [name, [bytes]] of Object.entries(files)) fs.writeFileSync(path.join(A, name), bytes);
  const lib = openLibrary(tempDir(), { create: true });
  const report = await importFolder(lib, src);
  assert.equal(report.imported, 1);
  assert.deepEqual(
    report.skipped,
    Object.entries(files).map(([name, [, what]]) => ({ path: path.join(A, name), reason: `not an image: ${what}` })),
  );
  lib.close();
});

test('one file reached by many paths (hard links, file symlinks) is read once and kept as one image', async () => {
  const src = tempDir();
  const A = path.join(src, 'Arborio');
  fs.mkdirSync(A);
  const original = path.join(A, 'a.jpg');
  fs.writeFileSync(original, riceBytes('Arborio', 3));
  fs.linkSync(original, path.join(A, 'b-hardlink.jpg'));
  fs.symlinkSync('a.jpg', path.join(A, 'c-symlink.jpg'));
  const lib = openLibrary(tempDir(), { create: true });
  const report = await importFolder(lib, src);
  assert.equal(report.imported, 1);
  assert.equal(report.alreadyPresent, 2);
  assert.deepEqual(report.skipped, []);
  assert.equal((lib.db.prepare('SELECT COUNT(*) n FROM image_sources').get() as { n: number }).n, 3);
  lib.close();
});

test('a JPEG frame header is found past large metadata segments, and not in a damaged file', async () => {
  const base = sharp(riceBytes('Ipsala', 2));
  const made = [
    await base.clone().jpeg().toBuffer(),
    await base.clone().jpeg({ progressive: true }).toBuffer(),
    // A 60 KB EXIF description: the frame header comes after a near-maximal APP1 segment.
    await base.clone().withMetadata({ exif: { IFD0: { ImageDescription: 'x'.repeat(60_000) } } }).jpeg().toBuffer(),
    riceBytes('Ipsala', 3),
  ];
  const reader = (b: Buffer) => async (pos: number, len: number): Promise<Buffer> => b.subarray(pos, pos + len);
  for (const b of made) assert.equal(await jpegHasFrame(reader(b), b.length), true);
  const damaged = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.alloc(4096)]);
  assert.equal(await jpegHasFrame(reader(damaged), damaged.length), false);
  const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0, 0, 0, 0, 0, 0]);
  assert.equal(await jpegHasFrame(reader(noFrame), noFrame.length), false);
});
