#!/usr/bin/env node
// The `paddy` CLI. Runs the bundle of the TypeScript sources that scripts/cli-bundle.mjs keeps up to date (built on
// the first run after a change), so `npx paddy` works right after `npm ci` and starts in half the time. Without a
// bundle (esbuild missing, or PADDY_FROM_SOURCE=1) the sources run through tsx.
import { cliBundle } from '../scripts/cli-bundle.mjs';

const bundle = process.env.PADDY_FROM_SOURCE ? null : await cliBundle();
if (bundle) {
  // Stack traces point into the sources only when asked for (--debug): reading the maps costs start-up time.
  if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main/cli/main.ts');
}
