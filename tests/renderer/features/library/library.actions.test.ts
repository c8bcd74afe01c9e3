// The Library view's intents against the real handlers and a real SQLite library: importing the built-in sample
// twice (the second says "nothing new" as an info note, never a success toast), saving a weights folder (checked:
// which MobileNetV2 widths it holds, or why it is refused and nothing saved), and the folder picker on a host
// without dialogs (a clear error toast, nothing chosen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dispatch, handlers } from '../../../../src/main/api/index';
import { openLibrary } from '../../../../src/main/library';
import { provideApi } from '../../../../src/renderer/src/app/api';
import { useApp } from '../../../../src/renderer/src/app/app.store';
import { importDemo, importOutcome, useLibrary } from '../../../../src/renderer/src/features/library/library.store';
import { chooseWeightsFolder, saveSettings, weightsSummary } from '../../../../src/renderer/src/features/library/settings.actions';
import { fixtureContext } from '../../../helpers/fixture-library';
import { MOBILENET_DIR, tempDir } from '../../../helpers/tmp';
import { dispatchApi } from '../../../helpers/studio-api';

const realApi = (ctx: ReturnType<typeof fixtureContext>): void => provideApi(dispatchApi(ctx));

const lastToast = () => useApp.getState().toasts.at(-1);

test('importing the sample twice: a success toast, then "nothing new: N already in the library" as info', async () => {
  const lib = openLibrary(tempDir('paddy-lib-actions-'), { create: true });
  realApi(fixtureContext(lib));
  await importDemo();
  assert.equal(useLibrary.getState().report?.imported, 200);
  assert.deepEqual(lastToast() && { text: lastToast()!.text, kind: lastToast()!.kind }, { text: 'Imported 200 images', kind: 'ok' });

  await importDemo();
  const report = useLibrary.getState().report!;
  assert.deepEqual([report.imported, report.alreadyPresent], [0, 200]);
  assert.deepEqual({ text: lastToast()!.text, kind: lastToast()!.kind }, { text: 'Nothing new: 200 already in the library', kind: 'info' });
  assert.ok(!useApp.getState().toasts.slice(-1).some((t) => t.kind === 'ok'), 'no success toast for nothing');
  assert.deepEqual(importOutcome({ ...report, alreadyPresent: 1, skipped: [{ path: 'x', reason: 'y' }] }), {
    text: 'Nothing new: 1 already in the library, 1 file skipped',
    kind: 'info',
  });
  lib.close();
});

test('saving a weights folder: the widths it holds; a missing or empty folder is refused and nothing is saved', async () => {
  const lib = openLibrary(tempDir('paddy-lib-settings-'), { create: true });
  realApi(fixtureContext(lib));

  const both = await saveSettings('auto', MOBILENET_DIR);
  assert.ok(both.ok, !both.ok ? both.error : '');
  assert.deepEqual(both.settings.weights, { dir: MOBILENET_DIR, alphas: [1, 0.35] });
  assert.equal(weightsSummary(both.settings), 'holds MobileNetV2 1.0 and 0.35');
  assert.match(lastToast()!.text, /weights folder holds MobileNetV2 1\.0 and 0\.35/);

  // One model folder given directly holds just its width.
  const small = path.join(MOBILENET_DIR, 'mobilenet_v2_0.35_224_no_top');
  const one = await saveSettings('wasm', small);
  assert.ok(one.ok);
  assert.deepEqual(one.settings.weights?.alphas, [0.35]);

  const missing = await saveSettings('cpu', path.join(tempDir(), 'nope'));
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? missing.error : '', /weights folder not found: .*nope/);
  const empty = await saveSettings('cpu', tempDir('paddy-empty-weights-'));
  assert.match(!empty.ok ? empty.error : '', /holds no MobileNetV2 weights \(looked for mobilenet_v2_1\.00_224_no_top\/ or mobilenet_v2_0\.35_224_no_top\//);
  // A model.json whose shard is gone is not weights either.
  const broken = path.join(tempDir('paddy-broken-weights-'), 'mobilenet_v2_0.35_224_no_top');
  fs.mkdirSync(broken);
  fs.copyFileSync(path.join(small, 'model.json'), path.join(broken, 'model.json'));
  const partial = await saveSettings('cpu', path.dirname(broken));
  assert.match(!partial.ok ? partial.error : '', /incomplete MobileNetV2 weights: mobilenet_v2_0\.35_224_no_top \(missing group1-shard1of1\.bin\)/);
  const now = await dispatch(handlers, fixtureContext(lib), 'settings.get', {});
  assert.deepEqual(now.ok && now.value, { backend: 'wasm', weightsDir: small, splitSeed: 42 }, 'refused saves changed nothing');

  // Clearing the folder is not a check.
  const cleared = await saveSettings('auto', '  ');
  assert.ok(cleared.ok);
  assert.equal(cleared.settings.weightsDir, null);
  assert.equal(cleared.settings.weights, undefined);
  lib.close();
});

test('Choose… on a host without dialogs: an error toast naming the reason, no folder', async () => {
  const lib = openLibrary(tempDir('paddy-lib-dialog-'), { create: true });
  realApi(fixtureContext(lib));
  assert.equal(await chooseWeightsFolder(), null);
  assert.equal(lastToast()!.kind, 'error');
  assert.match(lastToast()!.text, /only available in the desktop app/);
  lib.close();
});
