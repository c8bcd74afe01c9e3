import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunSummary } from '../../../../src/shared/types';
import { configSummary } from '../../../../src/renderer/src/features/runs/compare';

const run = (model: 'cnn' | 'mobilenetv2', config: Record<string, unknown>) => ({ model, config } as unknown as RunSummary);

test("a run's one-line settings say when it predicts with eight views", () => {
  assert.equal(configSummary(run('cnn', { imageSize: 80, filters: [16, 32], epochs: 12, batchSize: 64, learningRate: 0.003 })), '80px · conv 16/32 · 12 ep · bs 64 · lr 0.003');
  assert.equal(
    configSummary(run('mobilenetv2', { alpha: 1, fineTuneBlocks: 0, epochs: 40, batchSize: 128, learningRate: 0.001, testViews: true })),
    'α 1 · fine-tune 0 · 40 ep · bs 128 · lr 0.001 · 8 views',
  );
});
