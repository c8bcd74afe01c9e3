// A small real library for training tests: real rice JPEGs from ../shared, rows inserted directly (so these
// tests do not depend on the importer), with a deterministic train/val/test split.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openLibrary, type Library } from '../../src/main/library';
import { RICE_DIR, tempDir } from './tmp';
import { resolveConfig } from '../../src/main/engine/config';
import { useBackend } from '../../src/main/engine/backends';
import { runTraining } from '../../src/main/engine/train/run-training';
import { createRun, getRun, runLifecycle } from '../../src/main/services/runs';

export const RICE_CLASSES = ['Arborio', 'Basmati', 'Ipsala', 'Jasmine', 'Karacadag'];

export function riceFiles(cls: string, n: number, skip = 0): string[] {
  return fs.readdirSync(path.join(RICE_DIR, cls)).filter((f) => f.endsWith('.jpg')).sort().slice(skip, skip + n)
    .map((f) => path.join(RICE_DIR, cls, f));
}

/** `perClass` images of each class (first `classes` classes); every 5th is val, every 5th+1 test, rest train. */
export function makeTrainLibrary(perClass: number, opts: { classes?: number; dir?: string; skip?: number } = {}): Library {
  const lib = openLibrary(opts.dir ?? tempDir('paddy-train-'), { create: true });
  const now = new Date().toISOString();
  const classes = RICE_CLASSES.slice(0, opts.classes ?? 5);
  lib.db.transaction(() => {
    classes.forEach((name, pos) => {
      lib.db.prepare('INSERT OR IGNORE INTO classes (name, position, created_at) VALUES (?, ?, ?)').run(name, pos, now);
      const classId = (lib.db.prepare('SELECT id FROM classes WHERE name = ?').get(name) as { id: number }).id;
      riceFiles(name, perClass, opts.skip ?? 0).forEach((file, i) => {
        const bytes = fs.readFileSync(file);
        const sha = crypto.createHash('sha256').update(bytes).digest('hex');
        const r = lib.db.prepare(`INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at)
          VALUES (?, ?, ?, 250, 250, 'jpeg', ?, ?)`).run(sha, file, path.basename(file), bytes.length, now);
        const imageId = Number(r.lastInsertRowid);
        lib.db.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, 'folder', ?)`).run(imageId, classId, now);
        const split = i % 5 === 0 ? 'val' : i % 5 === 1 ? 'test' : 'train';
        lib.db.prepare(`INSERT INTO splits (image_id, split, assigned_at) VALUES (?, ?, ?)`).run(imageId, split, now);
      });
    });
  })();
  return lib;
}

/** The tiny CNN many tests need one completed run of (16 px, one conv of 4, dense 8, 1 epoch, wasm): its run id. */
export async function trainTinyCnn(lib: Library): Promise<string> {
  const config = resolveConfig({ model: 'cnn', imageSize: 16, filters: [4], dense: [8], epochs: 1, batchSize: 4, backend: 'wasm' });
  const runId = createRun(lib, config);
  await useBackend('wasm');
  const status = await runTraining(lib, runId, config, () => undefined, { cancelled: () => false, signal: new AbortController().signal }, runLifecycle(lib));
  if (status !== 'completed') throw new Error(`the tiny CNN run ended ${status}: ${getRun(lib, runId).error ?? ''}`);
  return runId;
}
