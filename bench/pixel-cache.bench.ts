// Pixel cache: the CNN run's decode phase (decodeCached over every image) on N rice images at one size, with an
// empty cache (decode + deflate + store) and then a full one (read + inflate + CRC), next to plain decodeMany
// (the decode phase before the cache). Also the cache file's size and what the size rule costs when a third
// size pushes one out. The library is a temporary one with image rows only (no import, no thumbnails).
// Usage: npm run bench:pixels [-- --per-class 400] [--size 48] [--keep]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLibrary } from '../src/main/library';
import { openPixelDb, pixelSets } from '../src/main/repos/pixel-cache.repo';
import { decodeMany } from '../src/main/engine/data/images';
import { decodeCached, pixelCacheFile, type PixelSource } from '../src/main/engine/data/pixel-cache';

const RICE = path.resolve(import.meta.dirname, '../../shared/datasets/rice');
const { values } = parseArgs({ options: { 'per-class': { type: 'string' }, size: { type: 'string' }, keep: { type: 'boolean' } } });
const perClass = Number(values['per-class'] ?? 400);
const size = Number(values.size ?? 48);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-bench-pixels-'));
const lib = openLibrary(dir, { create: true });
const now = new Date().toISOString();
const insert = lib.db.prepare(`INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at)
  VALUES (?, ?, ?, 250, 250, 'jpeg', ?, ?)`);
const images: PixelSource[] = [];
lib.db.transaction(() => {
  for (const cls of fs.readdirSync(RICE).filter((d) => fs.statSync(path.join(RICE, d)).isDirectory()).sort()) {
    for (const f of fs.readdirSync(path.join(RICE, cls)).filter((x) => x.endsWith('.jpg')).sort().slice(0, perClass)) {
      const file = path.join(RICE, cls, f);
      const bytes = fs.readFileSync(file);
      const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      const id = Number(insert.run(sha256, file, f, bytes.length, now).lastInsertRowid);
      images.push({ imageId: id, sha256, sourcePath: file });
    }
  }
})();

const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await fn();
  return [v, (performance.now() - t0) / 1000];
};
const mb = (b: number) => (b / 1e6).toFixed(1);
const fileBytes = () => fs.statSync(pixelCacheFile(lib)).size;

const [plain, tPlain] = await time(() => decodeMany(images.map((i) => i.sourcePath), size));
const [cold, tCold] = await time(() => decodeCached(lib, images, size));
const coldBytes = fileBytes();
const [warm, tWarm] = await time(() => decodeCached(lib, images, size));
const same = warm.every((px, i) => Buffer.from(px).equals(Buffer.from(plain[i]!))) && cold.every((px, i) => Buffer.from(px).equals(Buffer.from(plain[i]!)));
// The size rule: two more sizes, the second of which drops the least recently used set (this one).
await decodeCached(lib, images, size + 8);
const [, tEvict] = await time(() => decodeCached(lib, images, size + 16));
const db = openPixelDb(pixelCacheFile(lib));
const sets = pixelSets(db).map((s) => `${s.size} px: ${s.n}`).join(', ');
db.close();
lib.close();

const n = images.length;
const raw = n * size * size * 3;
console.log(`${n} rice images at ${size} px, ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`decodeMany (no cache):      ${tPlain.toFixed(2)} s (${((tPlain / n) * 1000).toFixed(2)} ms/img)`);
console.log(`decodeCached, cold cache:   ${tCold.toFixed(2)} s (decode + deflate + store)`);
console.log(`decodeCached, warm cache:   ${tWarm.toFixed(2)} s (${(tPlain / tWarm).toFixed(0)}x faster than decoding); pixels identical: ${same}`);
console.log(`cache file: ${mb(coldBytes)} MB for ${mb(raw)} MB of pixels (${(raw / coldBytes).toFixed(1)}x smaller)`);
console.log(`a third size (${size + 16} px, incl. dropping ${size} px): ${tEvict.toFixed(2)} s; kept sets ${sets}; file ${mb(fileBytes())} MB`);
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
else console.log(`library kept at ${dir}`);
