// The speed bench runs end to end on wasm over real rice images and the real MobileNetV2 weights, and every
// number in its JSON is a measurement: positive and finite, none left null. The engine it names is the one this
// machine really has — the ONNX Runtime step when onnxruntime-node loads, else tfjs — not a fixed string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpeedBench, type BenchResult } from '../../../src/main/engine/speed-bench';
import { loadOrt } from '../../../src/main/engine/onnx/runtime/extractor';
import { MOBILENET_DIR, RICE_DIR, tempDir } from '../../helpers/tmp';
import path from 'node:path';

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

// PyTorch side by side (issue 12): where python3-torch is absent (here: $PYTHON names an interpreter that does
// not exist, as on a machine without Debian's python3), the four PyTorch keys are null and say why, and
// Paddy's own numbers are measured as ever. The real peer scripts are used, never a canned result.
test('without python3-torch the PyTorch keys are null, with the reason; Paddy still measures', { timeout: 300_000 }, async () => {
  const saved = process.env.PYTHON;
  process.env.PYTHON = path.join(tempDir(), 'no-such-python3');
  try {
    const peersDir = path.resolve(RICE_DIR, '../../peers');
    const r = await runSpeedBench('wasm', { quick: true, threads: 2, riceDir: RICE_DIR, peersDir, skipMobilenet: true, skipHead: true });
    const json = JSON.stringify(r);
    for (const k of ['torchReferenceCnnTrainImgPerSec', 'referenceCnnVsTorch', 'torchMobilenetFeatureImgPerSec', 'mobilenetFeaturesVsTorch'] as const) {
      assert.ok(k in r && r[k] === null, `${k} in ${json}`);
    }
    assert.match(r.torchSkipped ?? '', /no Python at .*no-such-python3/, json);
    assert.ok((r.referenceCnnTrainImgPerSec ?? 0) > 0, json);
    assert.ok(r.loadAverage >= 0, json);
  } finally {
    if (saved === undefined) delete process.env.PYTHON;
    else process.env.PYTHON = saved;
  }
});
