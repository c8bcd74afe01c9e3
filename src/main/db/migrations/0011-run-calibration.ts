import type { Migration } from '../migrate';

// A run's calibration: the temperature fitted on its val predictions, and what it does on val and test (reliability
// bins, ECE, NLL, Brier before and after) with the per-class precision–recall curves, as one JSON summary. One row
// per run, written the first time a completed run's calibration is asked for (its model never changes after).
export const m0011: Migration = {
  version: 11,
  name: 'run-calibration',
  up: `
    CREATE TABLE run_calibration (
      run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
      temperature REAL NOT NULL CHECK (temperature > 0),
      summary TEXT NOT NULL,
      computed_at TEXT NOT NULL
    );
  `,
};
