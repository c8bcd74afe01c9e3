// The decoded-pixel cache (src/main/engine/data/pixel-cache.ts) on real SQLite and real rice JPEGs: hits need no
// source file and no decode, sizes are separate sets, the size rule holds, damage is rebuilt transparently,
// cancel and SIGKILL keep only complete committed batches, and a CNN run fills and then reuses the cache.
import assert from 'node:assert/strict';
import { ROOT } from '../../../helpers/root';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { TrainEvent } from '../../../../src/shared/contract';
import { openLibrary, type Library } from '../../../../src/main/library';
import { openPixelDb, pixelCount, pixelSets, storePixels } from '../../../../src/main/repos/pixel-cache.repo';
import { createRun, runLifecycle } from '../../../../src/main/services/runs';
import { importFolder } from '../../../../src/main/services/import/index';
import { useBackend } from '../../../../src/main/engine/backends';
import { resolveConfig } from '../../../../src/main/engine/config';
import { decodeMany } from '../../../../src/main/engine/data/images';
import { decodeCached, KEEP_SETS, PIXEL_PREPROCESSING, pixelCacheFile, type PixelSource } from '../../../../src/main/engine/data/pixel-cache';
import { runTraining } from '../../../../src/main/engine/train/run-training';
import { riceSubset } from '../../../helpers/rice-subset';
import { makeTrainLibrary } from '../../../helpers/train-lib';
import { tempDir } from '../../../helpers/tmp';


/** A real import of `perClass` rice JPEGs per class, copied to a temp folder the test may delete. */
async function library(perClass = 4): Promise<{ lib: Library; src: string; images: PixelSource[] }> {
  const src = riceSubset(perClass);
  const lib = openLibrary(tempDir('paddy-pixels-'), { create: true });
  await importFolder(lib, src);
  const images = lib.db.prepare('SELECT id AS imageId, sha256, source_path AS sourcePath FROM images ORDER BY id').all() as PixelSource[];
  return { lib, src, images };
}

/** decodeMany, counting the files it is asked for. */
function counting() {
  const c = { files: 0, calls: 0 };
  const decode: typeof decodeMany = (files, size, o) => {
    c.calls++;
    c.files += files.length;
    return decodeMany(files, size, o);
  };
  return { c, decode };
}

const never: typeof decodeMany = () => Promise.reject(new Error('decoded although every image was cached'));

function withCache<T>(lib: Library, fn: (db: Database.Database) => T): T {
  const db = openPixelDb(pixelCacheFile(lib));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const eqPixels = (a: Uint8Array[], b: Uint8Array[]) => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Buffer.from(x).equals(Buffer.from(b[i]!)), `image ${i} differs`));
};

test('a first call decodes and stores; later calls return the same bytes with no decode and no source file', async () => {
  const { lib, src, images } = await library();
  const reference = await decodeMany(images.map((i) => i.sourcePath), 24);
  const { c, decode } = counting();
  const progress: Array<[number, number]> = [];
  const first = await decodeCached(lib, images, 24, { decode, onProgress: (d, t) => progress.push([d, t]) });
  eqPixels(first, reference);
  assert.equal(c.files, 20);
  assert.deepEqual(progress.at(-1), [20, 20]);
  assert.ok(progress.every(([d], i) => i === 0 || d > progress[i - 1]![0]), 'progress only moves forward');
  assert.equal(withCache(lib, (db) => pixelCount(db, PIXEL_PREPROCESSING, 24)), 20);

  // The proof: no source file left, and a decoder that fails if called.
  fs.rmSync(src, { recursive: true, force: true });
  const seen: Array<[number, number]> = [];
  const second = await decodeCached(lib, images, 24, { decode: never, onProgress: (d, t) => seen.push([d, t]) });
  eqPixels(second, reference);
  assert.deepEqual(seen, [[20, 20]], 'hits report all at once');
  // Input order is kept, and a missing sha256 is looked up by image id.
  const reversed = images.map((i) => ({ imageId: i.imageId, sourcePath: i.sourcePath })).reverse();
  eqPixels(await decodeCached(lib, reversed, 24, { decode: never }), [...reference].reverse());
  // Each result is memory of its own (not a view into a shared pool).
  assert.ok(second.every((px) => px.byteOffset === 0 && px.buffer.byteLength === 24 * 24 * 3));
  lib.close();
});

test('an image unknown to the library is decoded but not cached; the same hash twice is decoded once', async () => {
  const { lib, images } = await library(1);
  const { c, decode } = counting();
  const stranger = { imageId: -1, sourcePath: images[0]!.sourcePath };
  const twice = { ...images[1]!, imageId: images[1]!.imageId };
  const out = await decodeCached(lib, [stranger, ...images, twice], 16, { decode });
  assert.equal(c.files, 1 + images.length);
  assert.ok(Buffer.from(out[0]!).equals(Buffer.from(out[1]!)));
  assert.ok(Buffer.from(out.at(-1)!).equals(Buffer.from(out[2]!)));
  assert.equal(withCache(lib, (db) => pixelCount(db, PIXEL_PREPROCESSING, 16)), images.length);
  lib.close();
});

test('each size is its own set; only the most recent sizes and images still in the library are kept', async () => {
  const { lib, images } = await library(2);
  const { c, decode } = counting();
  const p16 = await decodeCached(lib, images, 16, { decode });
  const p20 = await decodeCached(lib, images, 20, { decode });
  assert.equal(c.files, 20, 'another size decodes again');
  assert.equal(p16[0]!.length, 16 * 16 * 3);
  assert.equal(p20[0]!.length, 20 * 20 * 3);
  eqPixels(await decodeCached(lib, images, 16, { decode: never }), p16);
  // A row for a hash the library does not have (an image removed since) goes at the next call.
  withCache(lib, (db) => storePixels(db, PIXEL_PREPROCESSING, 20, [{ sha256: 'f'.repeat(64), crc: 0, data: Buffer.alloc(4) }]));
  await decodeCached(lib, images, 20, { decode: never });
  assert.equal(withCache(lib, (db) => pixelCount(db, PIXEL_PREPROCESSING, 20)), images.length);
  // A third size pushes out the least recently used one (16 was used before 20).
  assert.equal(KEEP_SETS, 2);
  await decodeCached(lib, images, 12, { decode });
  const sets = withCache(lib, (db) => pixelSets(db));
  assert.deepEqual(sets.map((s) => [s.size, s.n]), [[12, 10], [20, 10]]);
  withCache(lib, (db) => {
    assert.equal(db.pragma('auto_vacuum', { simple: true }), 2, 'incremental');
    assert.equal(db.pragma('freelist_count', { simple: true }), 0, 'the dropped set\'s pages went back to the file system');
  });
  const before = c.files;
  await decodeCached(lib, images, 16, { decode });
  assert.equal(c.files - before, images.length, 'the dropped size is decoded again');
  lib.close();
});

test('damaged rows and damaged or foreign cache files are rebuilt transparently', async () => {
  const { lib, images } = await library();
  const reference = await decodeCached(lib, images, 32);
  const file = pixelCacheFile(lib);

  // Rows: one with bytes that no longer inflate, one that inflates to other pixels (CRC mismatch).
  const [a, b] = [images[3]!.sha256!, images[7]!.sha256!];
  withCache(lib, (db) => {
    db.prepare('UPDATE pixels SET data = randomblob(300) WHERE sha256 = ?').run(a);
    db.prepare('UPDATE pixels SET data = ? WHERE sha256 = ?').run(zlib.deflateRawSync(Buffer.alloc(32 * 32 * 3, 7)), b);
  });
  let k = counting();
  eqPixels(await decodeCached(lib, images, 32, { decode: k.decode }), reference);
  assert.equal(k.c.files, 2, 'only the damaged rows are decoded again');
  eqPixels(await decodeCached(lib, images, 32, { decode: never }), reference);

  // The file truncated to half, then a file that is not a database at all, then an empty one.
  for (const damage of [
    () => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2)),
    () => fs.writeFileSync(file, Buffer.alloc(64 * 1024, 'not a database ')),
    () => fs.writeFileSync(file, ''),
  ]) {
    damage();
    k = counting();
    eqPixels(await decodeCached(lib, images, 32, { decode: k.decode }), reference);
    assert.ok(k.c.files > 0);
    withCache(lib, (db) => {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal(pixelCount(db, PIXEL_PREPROCESSING, 32), 20, 'rebuilt in full');
    });
    eqPixels(await decodeCached(lib, images, 32, { decode: never }), reference);
  }

  // A cache file of another schema version is replaced, not migrated.
  withCache(lib, (db) => db.pragma('user_version = 99'));
  k = counting();
  eqPixels(await decodeCached(lib, images, 32, { decode: k.decode }), reference);
  assert.equal(k.c.files, 20);

  // If the cache cannot be written at all (its folder is a file), the call still decodes and succeeds.
  fs.rmSync(lib.paths.cache, { recursive: true, force: true });
  fs.writeFileSync(lib.paths.cache, 'in the way');
  eqPixels(await decodeCached(lib, images, 32), reference);
  lib.close();
});

test('cancel via signal stops between batches and keeps the batches already committed', async () => {
  const { lib, images } = await library();
  const ac = new AbortController();
  let calls = 0;
  // The second batch is cancelled as it starts: the first was committed meanwhile.
  const decode: typeof decodeMany = (files, size, o) => {
    if (++calls === 2) ac.abort();
    return decodeMany(files, size, o);
  };
  await assert.rejects(decodeCached(lib, images, 24, { decode, batchSize: 6, signal: ac.signal }), /cancelled/);
  assert.equal(withCache(lib, (db) => pixelCount(db, PIXEL_PREPROCESSING, 24)), 6);
  await assert.rejects(decodeCached(lib, images, 24, { signal: ac.signal }), /cancelled/, 'an aborted signal stops at once');
  const k = counting();
  await decodeCached(lib, images, 24, { decode: k.decode, batchSize: 6 });
  assert.equal(k.c.files, 14, 'the next call decodes only what is missing');
  lib.close();
});

test('SIGKILL while batches are written leaves only complete batches, and the next call completes the cache', { timeout: 120_000 }, async () => {
  const { lib, images } = await library(10);
  const file = pixelCacheFile(lib);
  const rows = (): number => {
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT COUNT(*) n FROM pixels').get() as { n: number }).n;
      } finally {
        db.close();
      }
    } catch {
      return 0; // not created yet
    }
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/pixel-cache-child.ts', lib.dir, '24', '8', '250'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let killed = false;
  while (child.exitCode === null && Date.now() < deadline) {
    if (rows() >= 16) {
      killed = child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await exited;
  assert.ok(killed, `the child ended before it could be killed: ${stderr}`);
  const k = counting();
  const stored = withCache(lib, (db) => {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const all = db.prepare('SELECT data, crc FROM pixels').all() as Array<{ data: Buffer; crc: number }>;
    for (const r of all) assert.equal(zlib.crc32(zlib.inflateRawSync(r.data)), r.crc, 'every stored row is whole');
    return all.length;
  });
  assert.ok(stored >= 16 && stored < images.length && stored % 8 === 0, `${stored} rows: whole batches of 8 only`);
  const out = await decodeCached(lib, images, 24, { decode: k.decode });
  assert.equal(k.c.files, images.length - stored);
  eqPixels(out, await decodeMany(images.map((i) => i.sourcePath), 24));
  lib.close();
});

test('a CNN run fills the pixel cache and the next run at that size decodes nothing', async () => {
  const lib = makeTrainLibrary(5, { classes: 2 });
  await useBackend('wasm');
  const config = resolveConfig({ model: 'cnn', imageSize: 16, filters: [4], dense: [8], epochs: 1, batchSize: 8, backend: 'wasm', augment: false });
  const control = () => {
    const ac = new AbortController();
    return { cancelled: () => ac.signal.aborted, signal: ac.signal };
  };
  const decodes = (events: TrainEvent[]) => events.filter((e) => e.type === 'phase' && e.phase === 'decode');
  const first: TrainEvent[] = [];
  assert.equal(await runTraining(lib, createRun(lib, config), config, (e) => first.push(e), control(), runLifecycle(lib)), 'completed');
  assert.equal(withCache(lib, (db) => pixelCount(db, PIXEL_PREPROCESSING, 16)), 10);
  const second: TrainEvent[] = [];
  assert.equal(await runTraining(lib, createRun(lib, config), config, (e) => second.push(e), control(), runLifecycle(lib)), 'completed');
  assert.deepEqual(decodes(first).at(-1), { type: 'phase', runId: first[0]!.runId, phase: 'decode', done: 10, total: 10 });
  assert.deepEqual(decodes(second).map((e) => e.type === 'phase' && [e.done, e.total]), [[10, 10]], 'every image a hit');
  lib.close();
});
