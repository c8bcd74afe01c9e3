// The library, system and import handlers through `dispatch`, as every host calls them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { EventMap, EventName } from '../../../src/shared/contract';
import { dispatch, handlers, type AppContext } from '../../../src/main/api/index';
import { openLibrary, type Library } from '../../../src/main/library';
import { riceSubset } from '../../helpers/rice-subset';
import { tempDir } from '../../helpers/tmp';

function context(dir: string, events: string[]): AppContext & { close(): void } {
  let lib: Library = openLibrary(dir, { create: true });
  return {
    host: 'cli',
    library: () => lib,
    switchLibrary(next, opts) {
      const opened = openLibrary(next, opts);
      lib.close();
      lib = opened;
      return lib;
    },
    emit: <K extends EventName>(name: K, _payload: EventMap[K]) => void events.push(name),
    workers: null as never,
    dialogs: null,
    close: () => lib.close(),
  };
}

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: string }>): Promise<T> {
  const r = await p;
  if (!r.ok) assert.fail(r.error);
  return r.value;
}

test('library.info / stats / open, import.folder / list / report, settings through dispatch', async () => {
  const events: string[] = [];
  const ctx = context(tempDir(), events);
  const empty = await ok(dispatch(handlers, ctx, 'library.info', {}));
  assert.deepEqual({ ...empty, path: '' }, { path: '', imageCount: 0, classes: [], conflicts: 0, backend: null });

  const src = riceSubset(5, { classes: ['Arborio', 'Karacadag'] });
  const report = await ok(dispatch(handlers, ctx, 'import.folder', { folder: src }));
  assert.equal(report.imported, 10);
  assert.ok(events.includes('import.progress') && events.at(-1) === 'library.changed');

  const info = await ok(dispatch(handlers, ctx, 'library.info', {}));
  assert.equal(info.imageCount, 10);
  assert.deepEqual(info.classes.map((c) => [c.name, c.count, c.perSplit.train + c.perSplit.val + c.perSplit.test]), [['Arborio', 5, 5], ['Karacadag', 5, 5]]);
  const stats = await ok(dispatch(handlers, ctx, 'library.stats', {}));
  assert.equal(stats.total, 10);
  assert.equal(stats.unlabeled, 0);
  assert.equal(stats.splits.train + stats.splits.val + stats.splits.test, 10);

  const list = await ok(dispatch(handlers, ctx, 'import.list', {}));
  assert.equal(list.length, 1);
  assert.equal(list[0]!.status, 'completed');
  const stored = await ok(dispatch(handlers, ctx, 'import.report', { importId: report.importId }));
  assert.deepEqual([stored.imported, stored.folder, stored.skipped], [10, report.folder, []]);
  const missing = await dispatch(handlers, ctx, 'import.report', { importId: 999 });
  assert.deepEqual(missing, { ok: false, error: 'no import with id 999' });
  const bad = await dispatch(handlers, ctx, 'import.folder', { folder: path.join(src, 'nope') });
  assert.equal(bad.ok, false);
  assert.match((bad as { error: string }).error, /^folder not found: /);

  assert.deepEqual(await ok(dispatch(handlers, ctx, 'settings.get', {})), { backend: 'auto', weightsDir: null, splitSeed: 42 });
  const set = await ok(dispatch(handlers, ctx, 'settings.set', { backend: 'cpu' }));
  assert.equal(set.backend, 'cpu');
  assert.equal((await dispatch(handlers, ctx, 'settings.set', { backend: 'gpu' })).ok, false);

  // library.open never creates: a folder without a library is refused, and nothing is made there.
  const other = path.join(tempDir(), 'second library');
  const refused = await dispatch(handlers, ctx, 'library.open', { path: other });
  assert.equal(refused.ok, false);
  assert.match((refused as { error: string }).error, /not a Paddy library.*create/);
  assert.equal(fs.existsSync(other), false);
  assert.equal((await ok(dispatch(handlers, ctx, 'library.info', {}))).imageCount, 10, 'the current library stays open');
  // library.create makes it, and switches every later request to it; library.open then opens it.
  const opened = await ok(dispatch(handlers, ctx, 'library.create', { path: other }));
  assert.equal(opened.path, other);
  assert.equal(opened.imageCount, 0);
  assert.ok(fs.existsSync(path.join(other, 'paddy.db')));
  assert.equal((await ok(dispatch(handlers, ctx, 'library.info', {}))).imageCount, 0);
  assert.equal((await ok(dispatch(handlers, ctx, 'settings.get', {}))).backend, 'auto');
  assert.equal((await ok(dispatch(handlers, ctx, 'library.open', { path: other }))).path, other);
  ctx.close();
});
