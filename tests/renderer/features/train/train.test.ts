import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainConfig } from '../../../../src/shared/types';
import { trainConfigSchema } from '../../../../src/shared/contract';
import { buildConfig, fieldsFor, parseList, toText } from '../../../../src/renderer/src/features/train/params';
import { applyTrainEvent, failureHint, isActive, newLiveRun, overallProgress, runsOn } from '../../../../src/renderer/src/features/train/live';

const cnn: TrainConfig = {
  model: 'cnn',
  imageSize: 64,
  filters: [16, 32, 64],
  dense: [64],
  dropout: 0.3,
  epochs: 5,
  batchSize: 32,
  learningRate: 0.001,
  seed: 42,
  augment: true,
  earlyStopping: true,
  patience: 3,
  backend: 'auto',
};

test('edited fields merge over the defaults into a config the contract accepts', () => {
  const out = buildConfig(cnn, { imageSize: '32', filters: '8, 16', epochs: '2', maxPerClass: '20', augment: 'false', learningRate: '0.01' });
  assert.deepEqual({ ...out }, { ...cnn, imageSize: 32, filters: [8, 16], epochs: 2, maxPerClass: 20, augment: false, learningRate: 0.01 });
  assert.equal(trainConfigSchema.safeParse(out).success, true);
  assert.equal(buildConfig(cnn, { maxPerClass: '' }).maxPerClass, undefined, 'empty optional means "all"');
  assert.deepEqual(buildConfig(cnn, { dense: '' }).dense, []);
});

test('test-time views: a switch for both models, sent as a boolean the contract accepts', () => {
  for (const m of ['cnn', 'mobilenetv2'] as const) assert.equal(fieldsFor(m).find((f) => f.key === 'testViews')?.kind, 'bool', m);
  const on = buildConfig(cnn, { testViews: 'true' });
  assert.equal(on.testViews, true);
  assert.equal(trainConfigSchema.safeParse(on).success, true);
  assert.equal(buildConfig(cnn, { testViews: 'false' }).testViews, false);
  assert.equal(toText(fieldsFor('cnn').find((f) => f.key === 'testViews')!, undefined), '', 'absent in the defaults: off');
});

test('object shape: a switch for both models, sent as a boolean the contract accepts', () => {
  for (const m of ['cnn', 'mobilenetv2'] as const) assert.equal(fieldsFor(m).find((f) => f.key === 'shapeFeatures')?.kind, 'bool', m);
  assert.equal(buildConfig(cnn, { shapeFeatures: 'true' }).shapeFeatures, true);
  const mnv2 = { model: 'mobilenetv2', alpha: 1, fineTuneBlocks: 0, dense: [128], dropout: 0.3, epochs: 40, learningRate: 0.001, batchSize: 128, seed: 42, augment: true, earlyStopping: false, patience: 3, backend: 'auto', testViews: true, shapeFeatures: true } satisfies TrainConfig;
  const off = buildConfig(mnv2, { shapeFeatures: 'false' });
  assert.equal(off.model === 'mobilenetv2' && off.shapeFeatures, false);
  assert.equal(trainConfigSchema.safeParse(off).success, true);
  assert.equal(trainConfigSchema.safeParse({ ...mnv2, shapeFeatures: 'yes' }).success, false);
});

test('bad input names the field', () => {
  assert.throws(() => buildConfig(cnn, { epochs: 'two' }), /Epochs: "two" is not a whole number/);
  assert.throws(() => buildConfig(cnn, { filters: '8, -1' }), /Conv filters: "-1"/);
  assert.throws(() => parseList('3.5'), /not a positive whole number/);
  assert.equal(toText(fieldsFor('cnn').find((f) => f.key === 'filters')!, [16, 32]), '16, 32');
  assert.ok(fieldsFor('mobilenetv2').some((f) => f.key === 'fineTuneBlocks'));
  assert.ok(!fieldsFor('mobilenetv2').some((f) => f.key === 'imageSize'));
});

test('train events fold into the live run: curves per epoch, progress, final states', () => {
  let r = newLiveRun('r1', 0);
  assert.equal(isActive(r), true);
  r = applyTrainEvent(r, { type: 'started', runId: 'r1', backend: 'wasm', config: cnn, totalEpochs: 2, batchesPerEpoch: 10 });
  assert.equal(r.status, 'running');
  assert.equal(runsOn(r), 'on wasm');
  r = applyTrainEvent(r, { type: 'engine', runId: 'r1', engine: 'onnxruntime-cpu, 2 worker threads' });
  assert.equal(runsOn(r), 'on wasm · onnxruntime-cpu, 2 worker threads');
  assert.equal(runsOn(newLiveRun('r2', 0)), null);
  r = applyTrainEvent(r, { type: 'batch', runId: 'r1', epoch: 0, batch: 5, batches: 10, loss: 1.2, accuracy: 0.4, etaSeconds: 12 });
  assert.equal(overallProgress(r), 0.25);
  const epoch0 = { epoch: 0, loss: 1, accuracy: 0.5, valLoss: 1.1, valAccuracy: 0.45, seconds: 3 };
  r = applyTrainEvent(r, { type: 'epoch', runId: 'r1', metrics: epoch0 });
  r = applyTrainEvent(r, { type: 'epoch', runId: 'r1', metrics: { ...epoch0, loss: 0.9 } });
  assert.equal(r.epochs.length, 1, 'a repeated epoch replaces the first report');
  assert.equal(r.epochs[0].loss, 0.9);
  assert.equal(applyTrainEvent(r, { type: 'cancelled', runId: 'other' }), r, 'events of other runs are ignored');
  const failed = applyTrainEvent(r, { type: 'failed', runId: 'r1', error: 'weights not found: model.json' });
  assert.equal(failed.status, 'failed');
  assert.equal(isActive(failed), false);
  assert.match(failureHint(failed.error!) ?? '', /weights/);
  assert.equal(failureHint('something odd'), null);
  assert.equal(applyTrainEvent(r, { type: 'cancelled', runId: 'r1' }).status, 'cancelled');
});
