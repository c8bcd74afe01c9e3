// Names are data: class folders and file names holding terminal controls (ESC sequences, BEL, CR, bidi overrides)
// reach the terminal only as visible escapes, in every line `paddy` prints for people; --json keeps the names
// exactly (JSON.stringify escapes C0, forJson the rest) without a raw control byte either.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../../src/main/library';
import { endRun, insertRun } from '../../../src/main/repos/runs.repo';
import { forJson, forTerminal } from '../../../src/main/cli/terminal';
import { riceFiles } from '../../helpers/train-lib';
import { MOBILENET_DIR, tempDir } from '../../helpers/tmp';
import { paddy } from '../../helpers/cli';

/** Any byte a terminal acts on: C0 but TAB/LF, DEL, C1 (as UTF-8), the bidi controls. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function assertClean(what: string, r: { out: string; err: string }): void {
  assert.doesNotMatch(r.out, RAW, `${what}: stdout ${JSON.stringify(r.out)}`);
  assert.doesNotMatch(r.err, RAW, `${what}: stderr ${JSON.stringify(r.err)}`);
}

test('forTerminal shows controls as escapes and keeps text, TAB and LF; forJson keeps the JSON value', () => {
  assert.equal(forTerminal('Arb\x1b[2Jorio\x07'), 'Arb\\x1b[2Jorio\\x07');
  assert.equal(forTerminal('a\rb\u009bc\u202ed\x7f'), 'a\\x0db\\x9bc\\u202ed\\x7f');
  assert.equal(forTerminal('class\ttotal\nBasmati  5 — 日本 ✓'), 'class\ttotal\nBasmati  5 — 日本 ✓');
  const name = 'x\x1b]0;owned\x07 \u009b2J \u202egpj.exe \u2066y\u2069\r';
  const line = forJson(JSON.stringify({ name, n: 1 }));
  assert.doesNotMatch(line, RAW);
  assert.deepEqual(JSON.parse(line), { name, n: 1 });
});

test('import, stats, runs and suspects print names with terminal controls as escapes', { timeout: 300_000 }, async () => {
  const evil = 'Arb\x1b[2Jorio\x07';
  const src = tempDir('paddy-src-');
  fs.mkdirSync(path.join(src, evil));
  fs.mkdirSync(path.join(src, 'Basmati'));
  for (const f of riceFiles('Arborio', 4)) fs.copyFileSync(f, path.join(src, evil, path.basename(f)));
  fs.copyFileSync(riceFiles('Arborio', 1, 4)[0]!, path.join(src, evil, 'x\x1b]0;owned\x07.jpg'));
  // Mislabeled on purpose, so the label review lists them (paths and class names in its lines).
  for (const f of riceFiles('Basmati', 3, 10)) fs.copyFileSync(f, path.join(src, evil, `m\x1b[2J\u202e${path.basename(f)}`));
  for (const f of riceFiles('Basmati', 5)) fs.copyFileSync(f, path.join(src, 'Basmati', path.basename(f)));
  for (const f of riceFiles('Arborio', 3, 10)) fs.copyFileSync(f, path.join(src, 'Basmati', path.basename(f)));
  fs.writeFileSync(path.join(src, 'Basmati', 'bad\x1b[31m\r.jpg'), 'not an image');
  const lib = path.join(tempDir(), 'lib');

  const imp = await paddy(['import', src, '--library', lib]);
  assert.equal(imp.code, 0, imp.err);
  assertClean('import', imp);
  assert.ok(imp.out.includes('Arb\\x1b[2Jorio\\x07'), imp.out);
  assert.ok(imp.out.includes('bad\\x1b[31m\\x0d.jpg'), 'the skipped file is named, escaped');

  const stats = await paddy(['stats', '--library', lib]);
  assertClean('stats', stats);
  assert.ok(stats.out.includes('Arb\\x1b[2Jorio\\x07'), stats.out);
  const statsJson = await paddy(['stats', '--library', lib, '--json']);
  assertClean('stats --json', statsJson);
  assert.ok((JSON.parse(statsJson.out) as { classes: Array<{ name: string }> }).classes.some((c) => c.name === evil), 'JSON keeps the name exactly');

  // A run whose error quotes a path (as a decode failure would).
  const l = openLibrary(lib);
  insertRun(l.db, { id: 'cnn-evil', model: 'cnn', status: 'running', config: { model: 'cnn' } as never, seed: 1, createdAt: new Date().toISOString() });
  endRun(l.db, 'cnn-evil', 'failed', `cannot decode ${path.join(src, evil, 'x\x1b]0;owned\x07.jpg')}`);
  l.close();
  const runs = await paddy(['runs', '--library', lib]);
  assertClean('runs', runs);
  assert.ok(runs.out.includes('x\\x1b]0;owned\\x07.jpg'), runs.out);
  const missing = await paddy(['runs', '--library', path.join(src, evil)]);
  assert.notEqual(missing.code, 0);
  assertClean('an error naming the library', missing);

  const sus = await paddy(['suspects', '--library', lib, '--alpha', '0.35', '--weights', MOBILENET_DIR, '--folds', '2']);
  assert.equal(sus.code, 0, sus.err);
  assertClean('suspects', sus);
  assert.match(sus.out, /m\\x1b\[2J\\u202e/);
});
