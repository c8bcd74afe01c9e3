// Thumbnails: a small upright JPEG (the 250×250 rice photos) is stored as a copy of its own bytes instead of a
// re-encoded WebP (most of an import's time); anything else gets a 160 px WebP. Either way the image routes
// serve only files inside the library's thumbs/ folder: not the source, not a link planted there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { openLibrary } from '../../../../src/main/library';
import { importFolder } from '../../../../src/main/services/import/index';
import { AS_IS_MAX_SIDE } from '../../../../src/main/services/import/decode';
import { thumbPath } from '../../../../src/main/services/import/thumbnails';
import { resolveImageFile, serveImageFile } from '../../../../src/main/services/image-files';
import { parseImageRef, readImage } from '../../../../src/main/web/images';
import { riceBytes } from '../../../helpers/rice-subset';
import { tempDir } from '../../../helpers/tmp';

test('a small JPEG is its own thumbnail, others get a WebP; the routes serve library files only', async () => {
  const src = tempDir('paddy-thumbs-src-');
  const dir = path.join(src, 'Arborio');
  fs.mkdirSync(dir);
  const rice = (n: number) => sharp(riceBytes('Arborio', n));
  const files: Record<string, Buffer> = {
    'plain.jpg': riceBytes('Arborio', 0),
    'progressive.jpg': await rice(1).jpeg({ progressive: true }).toBuffer(),
    'grey.jpg': await rice(2).greyscale().jpeg().toBuffer(),
    'large.jpg': await rice(3).resize(AS_IS_MAX_SIDE + 80).jpeg().toBuffer(),
    'rotated.jpg': await rice(4).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    'cmyk.jpg': await rice(5).toColourspace('cmyk').jpeg().toBuffer(),
    'photo.png': await rice(6).png().toBuffer(),
  };
  const asIs = new Set(['plain.jpg', 'progressive.jpg', 'grey.jpg']);
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);

  const lib = openLibrary(tempDir(), { create: true });
  const report = await importFolder(lib, src, { concurrency: 2 });
  assert.deepEqual([report.imported, report.skipped.length], [7, 0]);
  const rows = lib.db.prepare('SELECT id, sha256, file_name AS name FROM images').all() as Array<{ id: number; sha256: string; name: string }>;
  const serve = (kind: string, id: number) => readImage(parseImageRef(kind, String(id)), (k, i) => serveImageFile(lib, k, i));
  const thumbs = fs.realpathSync(lib.paths.thumbs);
  for (const r of rows) {
    const file = resolveImageFile(lib, 'thumb', r.id)!;
    assert.ok(path.relative(thumbs, fs.realpathSync(file)).split(path.sep).length === 2, `${r.name}: ${file} is inside thumbs/`);
    const reply = await serve('thumb', r.id);
    assert.equal(reply.status, 200, r.name);
    assert.ok((reply.body as Buffer).equals(fs.readFileSync(file)), `${r.name}: the served bytes are the library's file`);
    if (asIs.has(r.name)) {
      assert.equal(file, thumbPath(lib, r.sha256, 'jpg'), r.name);
      assert.ok((reply.body as Buffer).equals(files[r.name]!), `${r.name}: the thumbnail is the source's bytes`);
      assert.equal(reply.headers['content-type'], 'image/jpeg');
    } else {
      assert.equal(file, thumbPath(lib, r.sha256, 'webp'), r.name);
      assert.equal(reply.headers['content-type'], 'image/webp');
      const m = await sharp(file).metadata();
      assert.equal(Math.max(m.width!, m.height!), 160, r.name);
    }
  }
  const plain = rows.find((r) => r.name === 'plain.jpg')!;
  const copy = thumbPath(lib, plain.sha256, 'jpg');

  // The source gone: its thumbnail is still the library's copy; the full image is not served.
  fs.rmSync(path.join(dir, 'plain.jpg'));
  assert.equal((await serve('thumb', plain.id)).status, 200);
  assert.equal((await serve('full', plain.id)).status, 404);

  // A link planted where the thumbnail was (to a file outside the library) is not served.
  fs.writeFileSync(path.join(src, 'outside.jpg'), files['plain.jpg']!);
  fs.rmSync(copy);
  fs.symlinkSync(path.join(src, 'outside.jpg'), copy);
  assert.equal(resolveImageFile(lib, 'thumb', plain.id), null);
  assert.equal((await serve('thumb', plain.id)).status, 404);

  // Importing again (the source back) replaces the missing thumbnail with a real file.
  fs.writeFileSync(path.join(dir, 'plain.jpg'), files['plain.jpg']!);
  fs.rmSync(copy);
  await importFolder(lib, src, { concurrency: 2 });
  assert.ok(fs.lstatSync(copy).isFile());
  assert.ok(fs.readFileSync(copy).equals(files['plain.jpg']!));
  lib.close();
});
