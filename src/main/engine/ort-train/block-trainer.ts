// Fine-tunes MobileNetV2's top blocks and the head on ONNX Runtime: the block step graph (block-step-graph.ts) on
// the cached cut activations, one in-process session per batch size using every core (the graph is a handful of
// big GEMMs and grouped convolutions that MLAS spreads over its threads), and Adam applied here exactly as tfjs
// applies it. The tfjs layers keep serving prediction, validation and saving: copyInto writes the parameters
// back into their variables.
import tf from '../tfjs.cjs';
import os from 'node:os';
import { loadOrt, sessionOptions } from '../onnx/runtime/extractor';
import { buildBlockGraph, type BlockNet } from './block-step-graph';
import { blockModelOf } from './block-spec';

type Ort = NonNullable<Awaited<ReturnType<typeof loadOrt>>>;
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

export interface BlockTrainerOptions {
  net: BlockNet;
  /** Initial parameters, in net.params order. Copied. */
  params: Float32Array[];
  /** Intra-op threads of the session (default: every core). */
  threads?: number;
  /** Dropout masks come from this (seeded) generator, so a run is reproducible. */
  rand: () => number;
  /** ε of label smoothing (targets (1 − ε)·one-hot + ε/K). Default 0. */
  labelSmoothing?: number;
}

export interface BlockTrainer {
  /** e.g. "onnxruntime-cpu, 2 threads". */
  readonly name: string;
  /** One Adam step on n cut activations (NHWC floats) with integer labels: the batch's mean loss and accuracy. */
  step(x: Float32Array, labels: Int32Array, learningRate: number): Promise<{ loss: number; accuracy: number }>;
  /** The current parameters (copies). */
  params(): Float32Array[];
  /** Writes the current parameters into `vars` (the variables they came from, in the same order). */
  copyInto(vars: readonly tf.LayerVariable[]): void;
  dispose(): Promise<void>;
}

export async function createBlockTrainer(opts: BlockTrainerOptions): Promise<BlockTrainer> {
  const ort = await loadOrt();
  if (!ort) throw new Error('onnxruntime-node is not available');
  const { net } = opts;
  const threads = Math.max(1, Math.floor(opts.threads ?? os.availableParallelism()));
  // Build once now (milliseconds): a net the graph cannot express fails here, where the caller can fall back.
  const probe = buildBlockGraph({ ...net, batch: 1 });
  const k = probe.numClasses;
  const per = net.input.reduce((a, b) => a * b, 1);
  const sessions = new Map<number, Promise<{ session: Session; masks: Array<{ name: string; units: number; rate: number }> }>>();
  const sessionFor = (rows: number) => {
    let s = sessions.get(rows);
    if (!s) {
      s = (async () => {
        const g = buildBlockGraph({ ...net, batch: rows });
        // Denormals as zero: gradients of a pretrained net reach the float32 subnormal range, where x86 float
        // arithmetic is many times slower; flushing values below ~1e-38 changes nothing that matters.
        const options = sessionOptions({ threads });
        const session = await ort.InferenceSession.create(g.bytes, { ...options, extra: { session: { ...options.extra.session, set_denormal_as_zero: '1' } } });
        return { session, masks: g.masks };
      })();
      sessions.set(rows, s);
    }
    return s;
  };
  const params = opts.params.map((p) => new Float32Array(p));
  const m = params.map((p) => new Float32Array(p.length));
  const v = params.map((p) => new Float32Array(p.length));
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-7;
  let t = 0;
  let disposed = false;

  return {
    name: `onnxruntime-cpu, ${threads} thread${threads > 1 ? 's' : ''}`,
    async step(x, labels, lr) {
      if (disposed) throw new Error('block trainer: used after dispose');
      const n = labels.length;
      if (x.length !== n * per) throw new Error(`block trainer: ${x.length} floats for ${n} rows of ${per}`);
      const { session, masks } = await sessionFor(n);
      const y = new Float32Array(n * k);
      const ls = opts.labelSmoothing ?? 0;
      if (ls > 0) y.fill(ls / k);
      labels.forEach((c, i) => (y[i * k + c] = 1 - ls + ls / k));
      const feeds: Record<string, InstanceType<Ort['Tensor']>> = {
        x: new ort.Tensor('float32', x, [n, ...net.input]),
        y: new ort.Tensor('float32', y, [n, k]),
      };
      for (const mk of masks) {
        const data = new Float32Array(n * mk.units);
        const keep = 1 / (1 - mk.rate);
        for (let i = 0; i < data.length; i++) data[i] = opts.rand() < mk.rate ? 0 : keep;
        feeds[mk.name] = new ort.Tensor('float32', data, [n, mk.units]);
      }
      net.params.forEach((shape, i) => (feeds[`p${i}`] = new ort.Tensor('float32', params[i]!, shape)));
      const out = await session.run(feeds);
      let loss: number, correct: number;
      try {
        loss = Number(out.loss!.data[0]);
        correct = Number(out.correct!.data[0]);
        // Adam as tfjs does it (adam_optimizer.ts), in float32 storage: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
        // p ← p − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε).
        t++;
        const c2 = 1 / (1 - beta2 ** t), step = lr / (1 - beta1 ** t);
        params.forEach((p, i) => {
          const g = out[`g${i}`]!.data as Float32Array, mi = m[i]!, vi = v[i]!;
          for (let j = 0; j < p.length; j++) {
            const gj = g[j]!;
            const mj = beta1 * mi[j]! + (1 - beta1) * gj;
            const vj = beta2 * vi[j]! + (1 - beta2) * gj * gj;
            mi[j] = mj;
            vi[j] = vj;
            p[j] = p[j]! - (step * mj) / (Math.sqrt(vj * c2) + eps);
          }
        });
      } finally {
        for (const o of Object.values(out)) o.dispose();
      }
      return { loss: loss / n, accuracy: correct / n };
    },
    params: () => params.map((p) => new Float32Array(p)),
    copyInto(vars) {
      if (vars.length !== params.length) throw new Error(`block trainer: ${vars.length} variables for ${params.length} parameters`);
      vars.forEach((variable, i) => {
        const value = tf.tensor(params[i]!, variable.shape as number[]);
        variable.write(value);
        value.dispose();
      });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map(async (s) => (await s).session.release()));
    },
  };
}

/**
 * A trainer for base's layers from `cut` on plus `head`, from their current weights, with the variables it
 * trains (in parameter order, for copyInto); rejects with the reason when the graph cannot express them.
 */
export async function createBlockTrainerFor(
  base: tf.LayersModel, cut: tf.SymbolicTensor, head: tf.LayersModel,
  opts: Omit<BlockTrainerOptions, 'net' | 'params'>,
): Promise<{ trainer: BlockTrainer; vars: tf.LayerVariable[] }> {
  const model = blockModelOf(base, cut, head);
  if ('reason' in model) throw new Error(model.reason);
  const params = model.vars.map((variable) => variable.read().dataSync() as Float32Array);
  return { trainer: await createBlockTrainer({ ...opts, net: model.net, params }), vars: model.vars };
}
