// A run's name, note and default mark, through the real handlers on a real SQLite library: the name and note
// persist and show in the list, one run at most is the default, and defaultRun falls back to the best
// validation accuracy among completed runs (not the newest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatch, handlers } from '../../../src/main/api/index';
import { defaultRun, listRuns } from '../../../src/main/services/runs';
import { fixtureContext, fixtureLibrary, insertRun } from '../../helpers/fixture-library';

function epochs(db: import('better-sqlite3').Database, runId: string, vals: number[]): void {
  vals.forEach((v, i) =>
    db.prepare(`INSERT INTO run_epochs (run_id, epoch, loss, accuracy, val_loss, val_accuracy, seconds) VALUES (?, ?, 1, 0.5, 1, ?, 1)`).run(runId, i + 1, v),
  );
}

test('defaultRun: the marked run, else the best val accuracy among completed runs, else none', async () => {
  const fx = fixtureLibrary({ perClass: 1 });
  const ctx = fixtureContext(fx.lib);
  assert.equal(defaultRun(fx.lib), null);
  insertRun(fx.lib.db, 'run-old-best', ['Arborio'], [], { createdAt: '2026-01-01T00:00:00Z' });
  insertRun(fx.lib.db, 'run-new-worse', ['Arborio'], [], { createdAt: '2026-01-03T00:00:00Z' });
  insertRun(fx.lib.db, 'run-failed', ['Arborio'], [], { createdAt: '2026-01-04T00:00:00Z' });
  fx.lib.db.prepare(`UPDATE runs SET status = 'failed' WHERE id = 'run-failed'`).run();
  epochs(fx.lib.db, 'run-old-best', [0.6, 0.91, 0.85]);
  epochs(fx.lib.db, 'run-new-worse', [0.7, 0.8]);
  epochs(fx.lib.db, 'run-failed', [0.99]);
  assert.equal(defaultRun(fx.lib)?.id, 'run-old-best', 'best val accuracy, not the newest');

  const call = async (name: Parameters<typeof dispatch>[2], input: unknown) => {
    const r = await dispatch(handlers, ctx, name, input);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };
  await call('runs.setDefault', { runId: 'run-new-worse' });
  assert.equal(defaultRun(fx.lib)?.id, 'run-new-worse');
  await assert.rejects(call('runs.setDefault', { runId: 'run-failed' }), /only a completed run/);
  await call('runs.setDefault', { runId: 'run-old-best' });
  const list = listRuns(fx.lib);
  assert.deepEqual(
    list.map((r) => [r.id, r.marked, r.isDefault, r.bestValAccuracy]),
    [
      ['run-failed', false, false, 0.99],
      ['run-new-worse', false, false, 0.8],
      ['run-old-best', true, true, 0.91],
    ],
    'one mark at most; the list says which run Predict and Browse start from',
  );
  await call('runs.setDefault', { runId: null });
  assert.equal(listRuns(fx.lib).filter((r) => r.marked).length, 0);
  assert.equal(defaultRun(fx.lib)?.id, 'run-old-best');
  // The marked run deleted: back to the best.
  await call('runs.setDefault', { runId: 'run-new-worse' });
  await call('runs.delete', { runId: 'run-new-worse' });
  assert.equal(defaultRun(fx.lib)?.id, 'run-old-best');
  fx.lib.close();
});

test('runs.update: a name and a note persist; empty text clears them; too long is refused', async () => {
  const fx = fixtureLibrary({ perClass: 1 });
  const ctx = fixtureContext(fx.lib);
  insertRun(fx.lib.db, 'run-a', ['Arborio'], []);
  const r = await dispatch(handlers, ctx, 'runs.update', { runId: 'run-a', name: '  baseline 64px ', note: 'augment off' });
  assert.ok(r.ok, JSON.stringify(r));
  const a = listRuns(fx.lib)[0]!;
  assert.deepEqual([a.name, a.note], ['baseline 64px', 'augment off']);
  await dispatch(handlers, ctx, 'runs.update', { runId: 'run-a', note: 'second thoughts' });
  assert.deepEqual([listRuns(fx.lib)[0]!.name, listRuns(fx.lib)[0]!.note], ['baseline 64px', 'second thoughts'], 'a field left out stays');
  await dispatch(handlers, ctx, 'runs.update', { runId: 'run-a', name: '' });
  assert.equal(listRuns(fx.lib)[0]!.name, null);
  const long = await dispatch(handlers, ctx, 'runs.update', { runId: 'run-a', name: 'x'.repeat(201) });
  assert.equal(long.ok, false);
  const missing = await dispatch(handlers, ctx, 'runs.update', { runId: 'run-nope', name: 'x' });
  assert.ok(!missing.ok && /no run "run-nope"/.test(missing.error));
  fx.lib.close();
});
