// Messages between the ONNX training step's main side (ort-trainer.ts) and its worker threads (step.worker.ts).
import type { StepInput, StepLayer } from './step-graph';

export type ToStepWorker =
  | { type: 'init'; layers: StepLayer[]; input: StepInput; threads: number }
  | {
      type: 'grads';
      /** Rows in this part of the batch, and in the whole batch (the gradients' 1/B). */
      rows: number;
      batch: number;
      x: Float32Array;
      y: Float32Array;
      masks: Float32Array[];
      /** Shared memory (SharedArrayBuffer views): read here, written by the main thread between steps. */
      params: Float32Array[];
      /** Shared memory the worker writes this part's gradients into. */
      grads: Float32Array[];
    };

export type FromStepWorker =
  | { type: 'ready' }
  | { type: 'grads'; loss: number; correct: number }
  | { type: 'error'; message: string };
