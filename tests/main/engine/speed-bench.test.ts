// The speed bench runs end to end on wasm over real rice images and the real MobileNetV2 weights, and every
// number in its JSON is a measurement: positive and finite, none left null. The engine it names is the one this
// machine really has — the ONNX Runtime step when onnxruntime-node loads, else tfjs — not a fixed string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpeedBench, type BenchResult } from '../../../src/main/engine/speed-bench';
import { loadOrt } from '../../../src/main/engine/onnx/runtime/extractor';
import { MOBILENET_DIR, RICE_DIR } from '../../helpers/tmp';

const MEASURED = [
  'referenceCnnTrainImgPerSec', 'referenceCnnTrainImgPerSecSingleThread', 'referenceCnnTfjsImgPerSec',
  'defaultCnnTrainImgPerSec', 'defaultCnnTfjsImgPerSec', 'mobilenetFeatureImgPerSec',
  'headTrainImgPerSec', 'headTrain20EpochsSeconds', 'peakRssMb',
] as const satisfies ReadonlyArray<keyof BenchResult>;

test('runSpeedBench (quick) measures every part on this machine’s engine', { timeout: 600_000 }, async () => {
  const ort = (await loadOrt()) !== null;
  const r = await runSpeedBench('wasm', { quick: true, threads: 2, mobilenetDir: MOBILENET_DIR, riceDir: RICE_DIR });
  const json = JSON.stringify(r);

  for (const k of MEASURED) {
    const v = r[k];
    assert.ok(typeof v === 'number' && Number.isFinite(v) && v > 0, `${k} = ${v} in ${json}`);
  }
  assert.ok(r.peakRssMb > 50, json);
  // 20 epochs of 12,000 rows at the measured rate, to the tenth the bench rounds to.
  assert.equal(r.headTrain20EpochsSeconds, Math.round(((12000 * 20) / r.headTrainImgPerSec!) * 10) / 10, json);

  assert.equal(r.backend, 'wasm');
  assert.equal(r.trainImages, 'rice');
  if (ort) {
    // The CNNs train on the ONNX Runtime step (what fitImages 'auto' picks on wasm); tfjs's numbers sit beside.
    assert.match(r.trainEngine, /^onnxruntime-cpu, \d+ (worker )?threads?$/);
    assert.equal(r.threads, 2);
    assert.match(r.mobilenetExtractor ?? '', /onnxruntime/i, json);
  } else {
    assert.equal(r.trainEngine, 'tfjs wasm');
    assert.equal(r.threads, 1);
    assert.equal(r.referenceCnnTrainImgPerSec, r.referenceCnnTfjsImgPerSec);
    assert.match(r.mobilenetExtractor ?? '', /tfjs/i, json);
  }
});
