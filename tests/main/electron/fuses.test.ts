// The packaged app's Electron fuses, checked as data: packaging cannot run here (no Electron binary), so this
// checks the afterPack hook's settings, that it hands them to electron-builder's fuse flipper, and that
// electron-builder.yml wires it in a way electron-builder itself accepts and resolves to that hook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fuses from '@electron/fuses';
import { ROOT } from '../../helpers/root';

const { FuseV1Options, FuseVersion } = fuses;
const hookFile = path.join(ROOT, 'scripts/fuses.mjs');
type FuseConfig = Record<string | number, unknown>;
type Hook = { FUSES: FuseConfig; fuseConfig(platform: string): FuseConfig; afterPack(ctx: unknown): Promise<void> };
const load = async (): Promise<Hook> => (await import(pathToFileURL(hookFile).href)) as Hook;
// electron-builder's own config reader and hook resolver (dependencies of electron-builder).
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

test('the fuses: no running as Node, no NODE_OPTIONS, no --inspect; asar integrity checked and asar-only loading', async () => {
  const { FUSES } = await load();
  assert.equal(FUSES.version, FuseVersion.V1);
  assert.equal(FUSES[FuseV1Options.RunAsNode], false);
  assert.equal(FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable], false);
  assert.equal(FUSES[FuseV1Options.EnableNodeCliInspectArguments], false);
  assert.equal(FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation], true);
  assert.equal(FUSES[FuseV1Options.OnlyLoadAppFromAsar], true);
  assert.ok(Object.isFrozen(FUSES));
});

test('afterPack flips exactly those fuses through electron-builder, re-signing ad hoc only on macOS', async () => {
  const { afterPack, FUSES } = await load();
  for (const [platform, resign] of [['darwin', true], ['mas', true], ['linux', false], ['win32', false]] as const) {
    const calls: Array<[unknown, FuseConfig]> = [];
    const context = { electronPlatformName: platform, appOutDir: '/x', packager: { addElectronFuses: async (c: unknown, f: FuseConfig) => void calls.push([c, f]) } };
    await afterPack(context);
    assert.equal(calls.length, 1, platform);
    assert.equal(calls[0]![0], context);
    assert.deepEqual(calls[0]![1], { ...FUSES, resetAdHocDarwinSignature: resign }, platform);
  }
});

test('electron-builder.yml names the hook; electron-builder validates the config and resolves the hook to it', async () => {
  const yml = fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
  const yaml = requireFromRoot('js-yaml') as { load(s: string): Record<string, unknown> };
  const config = yaml.load(yml);
  assert.equal(config.afterPack, './scripts/fuses.mjs');
  assert.equal(config.asar, true, 'the asar fuses need an asar archive');
  const { validateConfiguration } = requireFromRoot('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, log: unknown): Promise<void> };
  const { DebugLogger } = requireFromRoot('builder-util') as { DebugLogger: new () => unknown };
  await validateConfiguration(config, new DebugLogger());
  const { resolveFunction } = requireFromRoot('app-builder-lib/out/util/resolve') as {
    resolveFunction(type: string, executor: unknown, name: string, root: string): Promise<unknown>;
  };
  const cwd = process.cwd();
  process.chdir(ROOT); // electron-builder resolves hook paths from the project folder it runs in
  try {
    const hook = await resolveFunction('module', config.afterPack, 'afterPack', ROOT);
    assert.equal(hook, (await load()).afterPack);
  } finally {
    process.chdir(cwd);
  }
});
