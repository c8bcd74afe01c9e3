// The runs list in the studio stays right when reloads overlap: a short run's 'started' and 'finished' events
// each reload it, and the older answer arriving last must not put a finished run back to 'running'. Real
// handlers and a real SQLite library; only the order in which the two answers arrive is arranged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatch, handlers } from '../../../../src/main/api/index';
import { REQUEST_NAMES, type PaddyApi, type RequestName } from '../../../../src/shared/contract';
import { provideApi } from '../../../../src/renderer/src/app/api';
import { loadRuns, useRuns } from '../../../../src/renderer/src/features/runs/runs.store';
import { fixtureContext, fixtureLibrary, insertRun } from '../../../helpers/fixture-library';

test('an older runs.list answer arriving after a newer one does not overwrite it', async () => {
  const fx = fixtureLibrary({ perClass: 2 });
  const ctx = fixtureContext(fx.lib);
  insertRun(fx.lib.db, 'run-a', ['Arborio', 'Basmati'], []);
  fx.lib.db.prepare(`UPDATE runs SET status = 'running', finished_at = NULL WHERE id = 'run-a'`).run();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let calls = 0;
  const api: Record<string, unknown> = {};
  for (const name of REQUEST_NAMES) {
    api[name] = async (input: unknown) => {
      const r = await dispatch(handlers, ctx, name as RequestName, input);
      if (!r.ok) throw new Error(r.error);
      // The first list answer (read while the run was running) is held back until the second has arrived.
      if (name === 'runs.list' && ++calls === 1) await gate;
      return r.value;
    };
  }
  api.on = () => () => {};
  api.imageUrl = (kind: string, id: number) => `${kind}/${id}`;
  provideApi(api as PaddyApi);

  const first = loadRuns();
  await new Promise((r) => setTimeout(r, 20));
  fx.lib.db.prepare(`UPDATE runs SET status = 'completed', finished_at = ? WHERE id = 'run-a'`).run(new Date().toISOString());
  await loadRuns();
  assert.equal(useRuns.getState().runs?.find((r) => r.id === 'run-a')?.status, 'completed');
  release();
  await first;
  assert.equal(useRuns.getState().runs?.find((r) => r.id === 'run-a')?.status, 'completed', 'the stale answer was dropped');
  fx.lib.close();
});
