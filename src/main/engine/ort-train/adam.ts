// Adam exactly as tfjs applies it (adam_optimizer.ts), in float32 storage, over elements [from, to) of flat
// arrays — so the worker threads can each update their share of the parameters (step.worker.ts) and the
// in-process session all of them (ort-trainer.ts) with the same arithmetic, bit for bit.
export interface AdamHyper {
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * g = the parts' gradients summed in order (each sum rounded to float32, as when they were added into a
 * Float32Array); m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε).
 */
export function adamUpdate(p: Float32Array, m: Float32Array, v: Float32Array, grads: Float32Array[], from: number, to: number, t: number, lr: number, h: AdamHyper): void {
  const c1 = 1 / (1 - h.beta1 ** t), c2 = 1 / (1 - h.beta2 ** t);
  const b1 = 1 - h.beta1, b2 = 1 - h.beta2, step = lr * c1, beta1 = h.beta1, beta2 = h.beta2, eps = h.epsilon;
  const g0 = grads[0]!;
  for (let j = from; j < to; j++) {
    let gj = g0[j]!;
    for (let r = 1; r < grads.length; r++) gj = Math.fround(gj + grads[r]![j]!);
    const mj = beta1 * m[j]! + b1 * gj;
    const vj = beta2 * v[j]! + b2 * gj * gj;
    m[j] = mj;
    v[j] = vj;
    p[j] = p[j]! - (step * mj) / (Math.sqrt(vj * c2) + eps);
  }
}
