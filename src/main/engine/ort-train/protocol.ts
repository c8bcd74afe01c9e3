// Messages between the ONNX training step's main side (ort-trainer.ts) and its worker threads (step.worker.ts).
import type { AdamHyper } from './adam';
import type { StepInput, StepLayer } from './step-graph';

/**
 * Shared memory a worker binds once (after init): the parameters, Adam's m and v and every worker's gradients,
 * each one flat SharedArrayBuffer-backed array (`lengths` cuts them into tensors, model.getWeights() order), and
 * the control words of the barrier the workers meet at before each applies Adam to its share of the elements.
 */
export interface StepBinding {
  index: number;
  lengths: number[];
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  grads: Float32Array[];
  /** [arrived, generation, aborted]. */
  control: Int32Array;
}

export type ToStepWorker =
  | { type: 'init'; layers: StepLayer[]; input: StepInput; threads: number }
  | ({ type: 'bind' } & StepBinding)
  | {
      type: 'grads';
      /** Rows in this part of the batch, and in the whole batch (the gradients' 1/B). */
      rows: number;
      batch: number;
      x: Float32Array;
      y: Float32Array;
      masks: Float32Array[];
      /** Workers taking part in this step (the first `parts`): they sum their gradients and share Adam's work. */
      parts: number;
      /** Adam's step number (1, 2, …), learning rate and constants. */
      t: number;
      lr: number;
      adam: AdamHyper;
    };

export type FromStepWorker =
  | { type: 'ready' }
  | { type: 'grads'; loss: number; correct: number; stats: Float32Array[] }
  | { type: 'error'; message: string };
