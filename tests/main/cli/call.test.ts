// The CLI reaches the app's code through `call`, i.e. through `dispatch` like every other host: the same value
// for a good request, and for a refused input or a failing handler the very text the app would show.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatch, handlers } from '../../../src/main/api/index';
import { call } from '../../../src/main/cli/call';
import { openLibrary } from '../../../src/main/library';
import { fixtureContext } from '../../helpers/fixture-library';
import { importSmallRice } from '../../helpers/small-import';
import { tempDir } from '../../helpers/tmp';
import { paddy as runPaddy } from '../../helpers/cli';

const paddy = (...args: string[]) => runPaddy(args);

test('call answers what dispatch answers: the value, or the error text thrown', async () => {
  const lib = openLibrary(tempDir(), { create: true });
  await importSmallRice(lib);
  const ctx = fixtureContext(lib);
  const stats = await call(ctx, 'library.stats', {});
  assert.equal(stats.total, 4);
  assert.deepEqual(stats, await dispatch(handlers, ctx, 'library.stats', {}).then((r) => (r.ok ? r.value : r.error)));

  for (const [name, input] of [
    ['images.detail', { imageId: 'x' }], // refused by the contract's schema
    ['images.detail', { imageId: 999_999 }], // a handler that fails
    ['runs.get', { runId: 'no-such-run' }],
  ] as const) {
    const r = await dispatch(handlers, ctx, name, input);
    assert.ok(!r.ok, `${name} ${JSON.stringify(input)} fails`);
    await assert.rejects(call(ctx, name, input as never), (e: Error) => e.message === r.error);
  }
  lib.close();
});

test('a refused input reads the same from the CLI as from the app: one line naming request and field, exit 1', { timeout: 60_000 }, async () => {
  const lib = tempDir('paddy-cli-');
  const [evalBad, suspectsBad] = await Promise.all([
    paddy('eval', '--run', 'Not/A/Run', '--library', lib),
    paddy('suspects', '--top', '0', '--library', lib),
  ]);
  assert.equal(evalBad.code, 1, evalBad.err);
  assert.equal(evalBad.err, 'paddy eval: runs.evaluate: runId: run id: lowercase letters, digits and dashes\n');
  assert.equal(suspectsBad.code, 1, suspectsBad.err);
  assert.match(suspectsBad.err, /^paddy suspects: suspects\.scan: top: [^\n]+\n$/);
  assert.equal(evalBad.out + suspectsBad.out, '');
});
