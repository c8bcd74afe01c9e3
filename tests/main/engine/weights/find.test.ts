// Weights folders stored as relative paths (runs and settings from before they were made absolute): found from
// the current folder, else from the library folder; when neither holds them, the error names both places.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../../../../src/main/engine/config';
import type { TrainConfig } from '../../../../src/shared/types';
import { findWeights } from '../../../../src/main/engine/weights/find';
import { MOBILENET_DIR, tempDir } from '../../../helpers/tmp';

const NAME = 'mobilenet_v2_0.35_224_no_top';

test('a relative weights folder is tried from the current folder, then from the library folder', () => {
  const saved = process.env.PADDY_MOBILENET_DIR;
  delete process.env.PADDY_MOBILENET_DIR;
  const cwd = process.cwd();
  try {
    const libDir = tempDir('paddy-lib-');
    fs.mkdirSync(path.join(libDir, 'models'));
    const weights = path.join(libDir, 'weights');
    fs.cpSync(path.join(MOBILENET_DIR, NAME), path.join(weights, NAME), { recursive: true });
    const elsewhere = tempDir('paddy-cwd-');
    process.chdir(elsewhere);
    // "weights" means nothing in `elsewhere`, but is a folder of the library.
    assert.equal(findWeights(0.35, { libraryModelsDir: path.join(libDir, 'models'), weightsDir: 'weights' }), path.join(weights, NAME));
    // From the folder it was relative to, the current folder wins.
    process.chdir(libDir);
    assert.equal(findWeights(0.35, { weightsDir: 'weights' }), path.join(weights, NAME));
    process.chdir(elsewhere);
    assert.throws(() => findWeights(0.35, { libraryModelsDir: path.join(libDir, 'models'), weightsDir: 'gone' }), (e: Error) => {
      assert.match(e.message, /MobileNetV2 weights not found/);
      assert.ok(e.message.includes(`"gone" (relative: ${path.join(elsewhere, 'gone')} (missing) or ${path.join(libDir, 'gone')} (missing))`), e.message);
      return true;
    });
  } finally {
    process.chdir(cwd);
    if (saved !== undefined) process.env.PADDY_MOBILENET_DIR = saved;
  }
});

test('resolveConfig stores a weights folder that exists from here as an absolute path', () => {
  const rel = path.relative(process.cwd(), MOBILENET_DIR);
  const weightsOf = (c: TrainConfig) => (c.model === 'mobilenetv2' ? c.weightsDir : undefined);
  assert.equal(weightsOf(resolveConfig({ model: 'mobilenetv2', weightsDir: rel })), MOBILENET_DIR);
  assert.equal(weightsOf(resolveConfig({ model: 'mobilenetv2' }, { weightsDir: rel })), MOBILENET_DIR);
  // Not here: kept as given, for the lookup to try under the library folder.
  assert.equal(weightsOf(resolveConfig({ model: 'mobilenetv2', weightsDir: 'no-such-folder' })), 'no-such-folder');
});
