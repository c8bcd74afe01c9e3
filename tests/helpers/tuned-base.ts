// After a fine-tune run: the saved base differs from the original weights only inside the tuned blocks (which
// did train), and is byte-identical everywhere else.
import assert from 'node:assert/strict';
import path from 'node:path';
import tf from '../../src/main/engine/tfjs.cjs';
import type { Library } from '../../src/main/library';
import { fileLoader, findWeights, loadBase } from '../../src/main/engine/weights/find';
import { fineTuneLayers } from '../../src/main/engine/train/mobilenet-trainer';
import { MOBILENET_DIR } from './tmp';

export async function assertOnlyTunedBlocksChanged(lib: Library, runId: string, blocks: number, alpha: 1 | 0.35 = 0.35): Promise<void> {
  const original = await loadBase(findWeights(alpha, { weightsDir: MOBILENET_DIR }));
  const tuned = await tf.loadLayersModel(fileLoader(path.join(lib.paths.models, runId, 'base')));
  try {
    const tunedNames = new Set(fineTuneLayers(original, blocks).flatMap((l) => l.weights.map((w) => w.originalName)));
    let changed = 0;
    original.weights.forEach((w, i) => {
      const a = w.read().dataSync();
      const b = tuned.weights[i]!.read().dataSync();
      const same = Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      if (tunedNames.has(w.originalName)) changed += same ? 0 : 1;
      else assert.ok(same, `${w.originalName} changed but is outside the tuned blocks`);
    });
    assert.ok(changed > 0, 'the tuned blocks were trained');
  } finally {
    original.dispose();
    tuned.dispose();
  }
}
