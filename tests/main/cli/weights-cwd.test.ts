// MobileNetV2 weights given as a relative path: `paddy train --weights ../x` stores the folder as an absolute
// path, a later `paddy suspects` from another folder still works, and once every feature it needs is cached a
// scan runs without the weights at all (they may have moved); one uncached image then says what is missing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { BIN } from '../../helpers/root';
import { makeTrainLibrary, riceFiles } from '../../helpers/train-lib';
import { MOBILENET_DIR, tempDir } from '../../helpers/tmp';

function paddy(args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  const env = { ...process.env };
  delete env.PADDY_MOBILENET_DIR; // only the paths under test may lead to the weights
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

test('relative --weights survive a cd; a scan whose features are all cached needs no weights', async () => {
  const lib = makeTrainLibrary(6, { classes: 2 });
  const libDir = lib.dir;
  lib.close();
  // A private copy of the 0.35 weights, so the test can move it away later.
  const home = tempDir('paddy-weights-');
  const weights = path.join(home, 'mnv2');
  fs.cpSync(path.join(MOBILENET_DIR, 'mobilenet_v2_0.35_224_no_top'), path.join(weights, 'mobilenet_v2_0.35_224_no_top'), { recursive: true });
  const cwdA = tempDir('paddy-cwd-a-');
  const cwdB = tempDir('paddy-cwd-b-');
  const rel = path.relative(cwdA, weights);
  assert.ok(!path.isAbsolute(rel) && rel.startsWith('..'));

  const t = await paddy(['train', '--model', 'mobilenetv2', '--alpha', '0.35', '--weights', rel, '--epochs', '1', '--dense', '8',
    '--batch-size', '8', '--backend', 'wasm', '--library', libDir, '--json'], cwdA);
  assert.equal(t.code, 0, t.err);
  const runId = JSON.parse(t.out).runId as string;
  const db = new Database(path.join(libDir, 'paddy.db'), { readonly: true });
  const config = JSON.parse((db.prepare('SELECT config FROM runs WHERE id = ?').get(runId) as { config: string }).config);
  db.close();
  assert.equal(config.weightsDir, weights, 'the run stores the weights folder as an absolute path');

  // From another folder, with no --weights: the run's features are all cached.
  const s1 = await paddy(['suspects', '--library', libDir, '--alpha', '0.35', '--folds', '2', '--json'], cwdB);
  assert.equal(s1.code, 0, s1.err);
  assert.equal(JSON.parse(s1.out).scanned, 12);
  // The weights moved away after caching: naming their old folder still scans (nothing needs computing).
  fs.renameSync(home, `${home}-moved`);
  const s2 = await paddy(['suspects', '--library', libDir, '--alpha', '0.35', '--folds', '2', '--weights', weights, '--json'], cwdB);
  assert.equal(s2.code, 0, s2.err);
  assert.equal(JSON.parse(s2.out).scanned, 12);
  // Other commands find the run's base by the absolute path it recorded.
  fs.renameSync(`${home}-moved`, home);
  const ev = await paddy(['eval', '--run', runId, '--library', libDir, '--json'], cwdB);
  assert.equal(ev.code, 0, ev.err);

  // One labeled image without cached features, and no weights anywhere: the scan says what is missing.
  fs.renameSync(home, `${home}-moved`);
  const file = riceFiles('Arborio', 1, 40)[0]!;
  const bytes = fs.readFileSync(file);
  const w = new Database(path.join(libDir, 'paddy.db'));
  const now = new Date().toISOString();
  const id = Number(w.prepare(`INSERT INTO images (sha256, source_path, file_name, width, height, format, bytes, imported_at)
    VALUES (?, ?, ?, 250, 250, 'jpeg', ?, ?)`).run(crypto.createHash('sha256').update(bytes).digest('hex'), file, path.basename(file), bytes.length, now).lastInsertRowid);
  const cls = (w.prepare('SELECT id FROM classes WHERE name = ?').get('Arborio') as { id: number }).id;
  w.prepare(`INSERT INTO labels (image_id, class_id, origin, updated_at) VALUES (?, ?, 'folder', ?)`).run(id, cls, now);
  w.close();
  const s3 = await paddy(['suspects', '--library', libDir, '--alpha', '0.35', '--folds', '2', '--json'], cwdB);
  assert.equal(s3.code, 1);
  assert.match(s3.err, /MobileNetV2 weights not found/);
  assert.match(s3.err, /1 of 13 images have no cached features/);
});
