import type { Migration } from '../migrate';

// What actually ran a run's training steps ("onnxruntime-cpu, 2 worker threads", "tfjs wasm", or features and
// head separately for MobileNetV2). `backend` is only the tfjs backend the process picked, which no longer
// says where the work happened once steps can run on ONNX Runtime. NULL for runs trained before this.
export const m0006: Migration = {
  version: 6,
  name: 'run-engine',
  up: `
    ALTER TABLE runs ADD COLUMN engine TEXT;
  `,
};
