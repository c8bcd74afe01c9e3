// `paddy serve` builds the studio when out/renderer is missing or older than its sources (a fresh `npm ci`, or a
// checkout whose renderer changed), and leaves an up-to-date build alone. Checked on a throwaway project tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { studioBuildNeeded } from '../../../src/main/web/build-studio';
import { tempDir } from '../../helpers/tmp';

function touch(file: string, when: Date): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'x');
  fs.utimesSync(file, when, when);
}

test('studioBuildNeeded: missing after a fresh install, stale after a source edit, null when built', () => {
  const root = tempDir('build-studio');
  const old = new Date(Date.now() - 60_000), now = new Date();
  touch(path.join(root, 'src/renderer/src/main.tsx'), old);
  touch(path.join(root, 'src/shared/contract.ts'), old);
  assert.equal(studioBuildNeeded(root), 'missing');
  touch(path.join(root, 'out/renderer/index.html'), now);
  assert.equal(studioBuildNeeded(root), null);
  touch(path.join(root, 'src/shared/contract.ts'), new Date(Date.now() + 60_000));
  assert.equal(studioBuildNeeded(root), 'stale');
});

test('studioBuildNeeded: an installed app without sources never tries to build', () => {
  const root = tempDir('build-studio-packaged');
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  assert.equal(studioBuildNeeded(root), null);
});
