// Issue 6's number on a smaller version of the benchmark: half the rice set (1,200 images per class) with 5% of
// the files moved into a wrong class folder. At least 90% of the moved files must be in the top N of the queue
// (N = number moved). Smaller sets (60–300 per class) reach only 75–91%: the cross-validated heads see too few
// images per class to tell Basmati from Jasmine well enough, so this test runs at the scale where the
// requirement means something (~75 s here: import, α 1.0 features, 5-fold scan).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openLibrary } from '../../../../src/main/library';
import { importFolder } from '../../../../src/main/services/import/index';
import { scanSuspects } from '../../../../src/main/services/suspects/index';
import { noisyRiceCopy } from '../../../helpers/noisy-rice';
import { MOBILENET_DIR, RICE_DIR, tempDir } from '../../../helpers/tmp';

test('half the rice set with 5% of files in wrong folders: ≥ 90% of them rank in the top N', { timeout: 600_000 }, async () => {
  const copy = noisyRiceCopy(RICE_DIR, tempDir('paddy-noisy-half-'), { perClass: 1200, noise: 0.05, seed: 13 });
  const N = copy.flipped.size;
  assert.ok(N > 250 && N < 350, `about 5% of 6,000 files moved (${N})`);
  const lib = openLibrary(tempDir('paddy-noisy-half-lib-'), { create: true });
  try {
    await importFolder(lib, copy.dir, {});
    const scan = await scanSuspects(lib, () => undefined, { alpha: 1, weightsDir: MOBILENET_DIR, folds: 5 });
    assert.equal(scan.scanned, copy.total);
    const inTop = (k: number) => scan.suspects.slice(0, k).filter((s) => copy.flipped.has(path.basename(s.path))).length;
    const atN = inTop(N);
    assert.ok(atN / N >= 0.9, `top-${N} holds ${atN} of ${N} moved files (${((atN / N) * 100).toFixed(1)}%)`);
    // The suggestion for a caught file is, nearly always, the folder it came from.
    const caught = scan.suspects.slice(0, N).filter((s) => copy.flipped.has(path.basename(s.path)));
    const right = caught.filter((s) => s.suggested === copy.flipped.get(path.basename(s.path))!.truth).length;
    assert.ok(right / caught.length >= 0.9, `${right} of ${caught.length} suggestions name the true class`);
  } finally {
    lib.close();
  }
});
