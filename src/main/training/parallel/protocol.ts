// Messages between the parallel trainer (caller's thread) and its gradient workers (worker_threads).
export interface WeightBlob {
  name: string;
  shape: number[];
  data: Float32Array;
}

export type ToWorker =
  | { type: 'init'; modelModule: string; modelArgs: unknown; backend: 'wasm' | 'cpu' }
  | { type: 'setWeights'; weights: WeightBlob[] }
  | { type: 'grads'; step: number; x: Float32Array; xShape: number[]; y: Float32Array; yShape: number[] }
  | { type: 'apply'; grads: Float32Array[] }
  | { type: 'getWeights' };

export type FromWorker =
  | { type: 'ready'; backend: string; trainable: Array<{ name: string; shape: number[] }> }
  | { type: 'grads'; step: number; loss: number; n: number; grads: Float32Array[] }
  | { type: 'weights'; weights: WeightBlob[] }
  | { type: 'ok' }
  | { type: 'error'; message: string };
