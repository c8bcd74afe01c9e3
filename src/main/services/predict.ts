// Predict: image files → class probabilities with a run's saved model, calibrated with the run's temperature.
// A bad file gets its own error.
// Each file's bytes are hashed too: a file already in the library (same sha256, any name or folder) is
// reported with that image and its current label, so the studio can say "already in the library as …".
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { PredictMatch, PredictResult } from '../../shared/types';
import type { Library } from '../library';
import { findImageBySha } from '../repos/images.repo';
import { scoreFiles } from '../engine/inference';
import { calibrate, runTemperature } from './calibration';
import { loadCompletedRunModel } from './run-model';

/** `signal`: checked between batches; an aborted prediction throws. */
export async function predict(lib: Library, runId: string, paths: string[], signal?: AbortSignal): Promise<PredictResult[]> {
  const { model } = await loadCompletedRunModel(lib, runId, 'only a completed run has a model to predict with');
  try {
    const { probs, errors } = await scoreFiles(model, paths, signal);
    // The answers carry calibrated probabilities: the run's temperature, fitted on its val images.
    const temperature = await runTemperature(lib, runId, signal);
    const matches = await Promise.all(paths.map((p) => libraryMatch(lib, p)));
    return paths.map((p, i) => {
      const raw = probs[i];
      const row = raw ? calibrate(raw, temperature) : null;
      const match = matches[i] ?? null;
      if (!row) return { path: p, predicted: null, probabilities: {}, error: errors[i] ?? 'no prediction', match };
      const probabilities: Record<string, number> = {};
      let best = 0;
      model.meta.classes.forEach((c, k) => {
        probabilities[c] = row[k]!;
        if (row[k]! > row[best]!) best = k;
      });
      return { path: p, predicted: model.meta.classes[best]!, probabilities, match };
    });
  } finally {
    model.dispose();
  }
}

/** The library image holding exactly this file's bytes, or null (also for a file that cannot be read). */
async function libraryMatch(lib: Library, file: string): Promise<PredictMatch | null> {
  const sha = await new Promise<string | null>((resolve) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', () => resolve(null));
  });
  const found = sha ? findImageBySha(lib.db, sha) : undefined;
  return found ? { imageId: found.id, label: found.className } : null;
}
