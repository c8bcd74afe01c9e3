// End to end on real data: a small rice copy with files moved into wrong class folders, imported, scanned
// (α 0.35 features, 5-fold cross-validation), reviewed, undone and scanned again.
import { test } from 'node:test';
import { ROOT } from '../../../helpers/root';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import tf from '../../../../src/main/engine/tfjs.cjs';
import type { EventMap } from '../../../../src/shared/contract';
import { openLibrary } from '../../../../src/main/library';
import { importFolder } from '../../../../src/main/services/import/index';
import { undo } from '../../../../src/main/services/labels';
import { decideSuspect, listSuspects, scanSuspects } from '../../../../src/main/services/suspects/index';
import { noisyRiceCopy } from '../../../helpers/noisy-rice';
import { MOBILENET_DIR, RICE_DIR, tempDir } from '../../../helpers/tmp';

const PER_CLASS = 60;

test('a scan ranks the files moved into wrong folders first; decisions are journaled, undoable and survive rescans', async () => {
  // Basmati and Jasmine stay ~8% confused by α 0.35 features from 60 images per class even with clean labels, so
  // a file moved between them is beyond what a 300-image scan can resolve; the full-size benchmark moves files
  // between any two classes (BENCHMARKS.md, "Label review").
  const copy = noisyRiceCopy(RICE_DIR, tempDir('paddy-noisy-'), {
    perClass: PER_CLASS,
    noise: 0.05,
    seed: 11,
    avoidPairs: [['Basmati', 'Jasmine']],
  });
  const N = copy.flipped.size;
  assert.ok(N >= 10 && N <= 30, `a handful of flipped files (${N})`);
  const libDir = tempDir('paddy-suspects-lib-');
  const lib = openLibrary(libDir, { create: true });
  await importFolder(lib, copy.dir, {});
  const classId = new Map(
    (lib.db.prepare('SELECT id, name FROM classes').all() as Array<{ id: number; name: string }>).map((c) => [c.name, c.id]),
  );

  const events: Array<EventMap['suspects.progress']> = [];
  const emit = ((name: string, payload: unknown) => {
    if (name === 'suspects.progress') events.push(payload as EventMap['suspects.progress']);
  }) as never;
  const scan = await scanSuspects(lib, emit, { alpha: 0.35, weightsDir: MOBILENET_DIR, folds: 5 });
  assert.equal(scan.scanned, copy.total);
  assert.ok(events.some((e) => e.phase === 'features' && e.done === e.total));
  assert.ok(events.some((e) => e.phase === 'cross-validation' && e.done === 5 && e.total === 5));
  assert.ok(events.some((e) => e.phase === 'near-duplicates'));

  const isFlipped = (p: string) => copy.flipped.has(path.basename(p));
  const found = (k: number) => scan.suspects.slice(0, k).filter((s) => isFlipped(s.path));
  const hits = found(N);
  const ranks = [...copy.flipped].map(([f, v]) => `${f} ${v.truth}→${v.given} at ${scan.suspects.findIndex((s) => path.basename(s.path) === f)}`);
  // At 300 images the fold models are ~93% accurate and saturate on some clean images the features confuse,
  // so the bar here is 70% in the top N and 90% in the top 2N; the ≥ 90%-at-N requirement is measured on the
  // full 12,000-image copy by bench/suspects.bench.ts.
  assert.ok(hits.length / N >= 0.7, `top-${N} holds ${hits.length} of ${N} flipped files: ${ranks.join('; ')}`);
  assert.ok(found(2 * N).length / N >= 0.9, `top-${2 * N} holds ${found(2 * N).length} of ${N}: ${ranks.join('; ')}`);
  for (const s of hits) {
    const f = copy.flipped.get(path.basename(s.path))!;
    assert.equal(s.label, f.given);
  }
  const rightSuggestions = hits.filter((s) => s.suggested === copy.flipped.get(path.basename(s.path))!.truth).length;
  assert.ok(rightSuggestions / hits.length >= 0.8, `suggested label is the true class for ${rightSuggestions}/${hits.length}`);
  for (let i = 1; i < scan.suspects.length; i++) assert.ok(scan.suspects[i - 1]!.score >= scan.suspects[i]!.score);
  const s0 = scan.suspects[0]!;
  assert.ok(Math.abs(Object.values(s0.probabilities).reduce((a, b) => a + b, 0) - 1) < 0.01);

  // The saved queue is the scan's, in order.
  assert.deepEqual(listSuspects(lib.db).map((s) => s.imageId), scan.suspects.map((s) => s.imageId));

  // accept → journaled label change with origin 'suggestion'; the image leaves the queue
  const [a, b, c] = hits;
  const accepted = decideSuspect(lib.db, null, { imageId: a!.imageId, decision: 'accept' });
  assert.equal(accepted.changed, 1);
  const labelOf = (id: number) => lib.db.prepare('SELECT class_id c, origin o FROM labels WHERE image_id = ?').get(id) as { c: number; o: string };
  assert.deepEqual(labelOf(a!.imageId), { c: classId.get(a!.suggested), o: 'suggestion' });
  assert.ok(!listSuspects(lib.db).some((s) => s.imageId === a!.imageId));
  // undo brings the old label and the suspect back
  const undone = undo(lib.db);
  assert.deepEqual(undone.imageIds, [a!.imageId]);
  assert.equal(labelOf(a!.imageId).c, classId.get(a!.label));
  assert.ok(listSuspects(lib.db).some((s) => s.imageId === a!.imageId));
  decideSuspect(lib.db, null, { imageId: a!.imageId, decision: 'accept' });

  // keep → no label change, gone from the queue; relabel → the picked class, origin 'manual'
  assert.deepEqual(decideSuspect(lib.db, null, { imageId: b!.imageId, decision: 'keep' }), { batchId: null, changed: 0 });
  assert.equal(labelOf(b!.imageId).c, classId.get(b!.label));
  const truthC = copy.flipped.get(path.basename(c!.path))!.truth;
  decideSuspect(lib.db, null, { imageId: c!.imageId, decision: 'relabel', classId: classId.get(truthC)! });
  assert.deepEqual(labelOf(c!.imageId), { c: classId.get(truthC), o: 'manual' });
  assert.throws(() => decideSuspect(lib.db, null, { imageId: c!.imageId, decision: 'relabel' }), /needs a classId/);
  const clean = (lib.db.prepare('SELECT MIN(id) id FROM images').get() as { id: number }).id;
  const notSuspect = scan.suspects.some((s) => s.imageId === clean) ? -1 : clean;
  if (notSuspect > 0) assert.throws(() => decideSuspect(lib.db, null, { imageId: notSuspect, decision: 'keep' }), /not in the review queue/);
  const open = listSuspects(lib.db).map((s) => s.imageId);
  for (const r of [a, b, c]) assert.ok(!open.includes(r!.imageId));

  // A second scan (features cached) keeps reviewed images out of the queue; the library reopens fine.
  const before = tf.memory().numTensors;
  const again = await scanSuspects(lib, () => undefined, { alpha: 0.35, weightsDir: MOBILENET_DIR, folds: 5 });
  assert.equal(tf.memory().numTensors, before, 'a scan leaves no tensors behind');
  assert.ok(again.phases.features! < scan.phases.features!, 'features come from the cache');
  for (const r of [a, b, c]) assert.ok(!again.suspects.some((s) => s.imageId === r!.imageId));
  lib.close();

  // The CLI on the same library: JSON with the documented fields, ranked best first.
  const cli = spawnSync(
    process.execPath,
    ['bin/paddy.mjs', 'suspects', '--library', libDir, '--alpha', '0.35', '--weights', MOBILENET_DIR, '--top', '5', '--json'],
    { encoding: 'utf8', cwd: ROOT },
  );
  assert.equal(cli.status, 0, cli.stderr);
  const out = JSON.parse(cli.stdout) as { suspects: Array<Record<string, unknown>>; scanned: number };
  assert.equal(out.scanned, copy.total);
  assert.equal(out.suspects.length, 5);
  for (const key of ['imageId', 'path', 'label', 'suggested', 'score']) assert.ok(key in out.suspects[0]!, key);
  const bad = spawnSync(process.execPath, ['bin/paddy.mjs', 'suspects', '--library', libDir, '--alpha', '0.5'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--alpha must be 1.0 or 0.35/);
});
