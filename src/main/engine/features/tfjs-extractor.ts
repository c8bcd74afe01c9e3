// The frozen MobileNetV2 base run by tfjs (whatever backend is active, wasm preferred): pooled `out_relu`.
import tf from '../tfjs.cjs';
import type { BackendChoice, BackendName } from '../../../shared/types';
import { activeBackend, useBackend } from '../backends';
import type { FeatureExtractor } from './extractor';
import { loadBase, type Alpha } from '../weights/find';

export async function createTfjsExtractor(weightsDir: string, alpha: Alpha, backend: BackendChoice | BackendName = 'auto'): Promise<FeatureExtractor> {
  const name = activeBackend() && backend === 'auto' ? activeBackend()! : await useBackend(backend, 'infer');
  const base = await loadBase(weightsDir);
  const out = base.outputs[0]!.shape;
  if (out.length !== 4) throw new Error(`${weightsDir}: expected a no-top MobileNetV2 ending in out_relu [7,7,C], got output ${JSON.stringify(out)} (alpha ${alpha})`);
  const dims = out[3] as number;
  return {
    name: `tfjs-${name}`,
    dims,
    async extract(batch: Float32Array, n: number): Promise<Float32Array> {
      const pooled = tf.tidy(() => {
        const x = tf.tensor4d(batch, [n, 224, 224, 3]);
        return (base.predict(x) as tf.Tensor4D).mean([1, 2]);
      });
      const data = (await pooled.data()) as Float32Array;
      pooled.dispose();
      return data;
    },
    dispose() {
      base.dispose();
    },
  };
}
