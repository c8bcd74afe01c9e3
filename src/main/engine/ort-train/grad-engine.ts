// Runs the gradient graph of step-graph.ts on onnxruntime-node: one session per batch size (the graph's
// shapes are fixed; a run meets at most two — full batches and the last, shorter one), created on first use.
import { loadOrt, sessionOptions } from '../onnx/runtime/extractor';
import { buildStepGraph, inputLength, type StepInput, type StepLayer } from './step-graph';

type Ort = NonNullable<Awaited<ReturnType<typeof loadOrt>>>;
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

export interface GradResult {
  /** Summed (not mean) cross-entropy and correct predictions over the rows. */
  loss: number;
  correct: number;
  /** Per parameter, in tfjs order and layout; already divided by the whole batch's size. */
  grads: Float32Array[];
  /** Per batch-norm layer, these rows' per-channel mean then (biased) variance (StepGraph.stats order). */
  stats: Float32Array[];
}

export interface GradEngine {
  /** `into`: arrays to write the gradients into (else new ones). */
  run(rows: number, batch: number, x: Float32Array, y: Float32Array, masks: Float32Array[], params: Float32Array[], into?: Float32Array[]): Promise<GradResult>;
  release(): Promise<void>;
}

export async function createGradEngine(layers: StepLayer[], input: StepInput, threads: number): Promise<GradEngine> {
  const ort = await loadOrt();
  if (!ort) throw new Error('onnxruntime-node is not available');
  const sessions = new Map<string, Promise<{ session: Session; shapes: number[][]; masks: string[]; stats: string[] }>>();
  const sessionFor = (rows: number, batch: number) => {
    const key = `${rows}/${batch}`;
    let s = sessions.get(key);
    if (!s) {
      s = (async () => {
        const g = buildStepGraph({ input, layers, batch: rows, wholeBatch: batch });
        // Spinning off (the default): pool threads would steal the other worker's core between ops.
        const session = await ort.InferenceSession.create(g.bytes, sessionOptions({ threads }));
        return { session, shapes: g.params, masks: g.masks.map((m) => m.name), stats: (g.stats ?? []).flatMap((st) => [st.mean, st.variance]) };
      })();
      sessions.set(key, s);
    }
    return s;
  };
  return {
    async run(rows, batch, x, y, masks, params, into) {
      const { session, shapes, masks: maskNames, stats } = await sessionFor(rows, batch);
      const k = y.length / rows;
      const feeds: Record<string, InstanceType<Ort['Tensor']>> = {
        x: new ort.Tensor('float32', x, 'size' in input ? [rows, input.size, input.size, 3] : [rows, inputLength(input)]),
        y: new ort.Tensor('float32', y, [rows, k]),
      };
      maskNames.forEach((name, i) => (feeds[name] = new ort.Tensor('float32', masks[i]!, [rows, masks[i]!.length / rows])));
      shapes.forEach((shape, i) => (feeds[`p${i}`] = new ort.Tensor('float32', params[i]!, shape)));
      const out = await session.run(feeds);
      try {
        return {
          loss: Number(out.loss!.data[0]),
          correct: Number(out.correct!.data[0]),
          grads: shapes.map((_, i) => {
            const g = out[`g${i}`]!.data as Float32Array;
            if (!into) return new Float32Array(g);
            into[i]!.set(g);
            return into[i]!;
          }),
          stats: stats.map((name) => new Float32Array(out[name]!.data as Float32Array)),
        };
      } finally {
        for (const t of Object.values(out)) t.dispose();
      }
    },
    async release() {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map(async (s) => (await s).session.release()));
    },
  };
}
