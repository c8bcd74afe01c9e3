// The speed bench runs end to end on wasm and reports every key of issue 4's JSON with real measurements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpeedBench } from '../../../src/main/engine/speed-bench';
import { RICE_DIR } from '../../helpers/tmp';

test('runSpeedBench (quick) reports positive img/s for each measured part', async () => {
  const r = await runSpeedBench('wasm', { quick: true, threads: 2, skipMobilenet: true, riceDir: RICE_DIR });
  for (const k of ['backend', 'threads', 'referenceCnnTrainImgPerSec', 'defaultCnnTrainImgPerSec', 'mobilenetFeatureImgPerSec', 'headTrainImgPerSec', 'peakRssMb']) {
    assert.ok(k in r, k);
  }
  assert.equal(r.backend, 'wasm');
  assert.equal(r.threads, 2);
  // On wasm the CNNs train on the ONNX Runtime step (what fitImages 'auto' picks); tfjs's numbers sit beside.
  assert.equal(r.trainEngine, 'onnxruntime-cpu, 2 worker threads');
  assert.equal(r.trainImages, 'rice');
  assert.ok(r.referenceCnnTrainImgPerSec! > 0 && r.referenceCnnTrainImgPerSecSingleThread! > 0);
  assert.ok(r.referenceCnnTfjsImgPerSec! > 0);
  assert.ok(r.defaultCnnTrainImgPerSec! > 0 && r.defaultCnnTfjsImgPerSec! > 0);
  assert.equal(r.mobilenetFeatureImgPerSec, null);
  assert.ok(r.headTrainImgPerSec! > 0 && r.headTrain20EpochsSeconds! > 0);
  assert.ok(r.peakRssMb > 50);
});
