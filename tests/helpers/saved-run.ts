// A completed run without training: a small real CNN (untrained weights) saved the way the trainer saves it,
// and its row in `runs`. Enough for what reads a finished run's model: predict, ONNX export.
import type { Library } from '../../src/main/library';
import { useBackend } from '../../src/main/engine/backends';
import { buildCnn } from '../../src/main/engine/models/cnn';
import { saveRunModel } from '../../src/main/engine/saved-model';
import { insertRun } from './fixture-library';

export async function savedCnnRun(lib: Library, runId: string, classes: string[], imageSize = 16): Promise<void> {
  await useBackend('wasm', 'infer');
  const cnn = buildCnn({ imageSize, filters: [4], dense: [8], dropout: 0, numClasses: classes.length, seed: 1, batchNorm: false });
  await saveRunModel(lib, runId, { format: 'paddy-model-1', model: 'cnn', classes, imageSize, normalisation: 'unit' }, { main: cnn });
  cnn.dispose();
  insertRun(lib.db, runId, classes, []);
}
