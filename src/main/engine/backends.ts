// Picks the tfjs backend for this process: tfjs-node-gpu → tfjs-node → wasm (+ Paddy's gradient kernels) → cpu.
// The native packages are optional dependencies that cannot install everywhere, so they are loaded lazily
// and their absence is a normal outcome, never an error.
import tf from './tfjs.cjs';
import tfjsWasm from './tfjs-wasm.cjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BackendChoice, BackendName } from '../../shared/types';
import { registerWasmTrainingKernels } from './kernels/index';

const require = createRequire(import.meta.url);

/** tfjs registry name of each Paddy backend name. */
const TF_NAME: Record<BackendName, string> = { 'tensorflow-gpu': 'tensorflow', tensorflow: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

let nativeLoaded: BackendName | null | undefined; // undefined = not tried yet
let wasmPathsSet = false;
let wasmKernels: string[] | null = null;
let active: BackendName | null = null;

async function tryNative(): Promise<BackendName | null> {
  if (nativeLoaded !== undefined) return nativeLoaded;
  nativeLoaded = null;
  for (const [pkg, name] of [['@tensorflow/tfjs-node-gpu', 'tensorflow-gpu'], ['@tensorflow/tfjs-node', 'tensorflow']] as const) {
    try {
      await import(/* @vite-ignore */ pkg);
      if (tf.findBackendFactory('tensorflow')) {
        nativeLoaded = name;
        break;
      }
    } catch {
      // not installed or libtensorflow missing: try the next one
    }
  }
  return nativeLoaded;
}

function prepareWasm(): void {
  if (wasmPathsSet) return;
  // Node cannot fetch the .wasm over http; point the backend at the files inside the package.
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  tfjsWasm.setWasmPaths(`${dir}${path.sep}`);
  wasmPathsSet = true;
}

/** Backends that can be activated in this process, best first. */
export async function availableBackends(): Promise<BackendName[]> {
  const list: BackendName[] = [];
  const native = await tryNative();
  if (native) list.push(native);
  if (tf.findBackendFactory('wasm')) list.push('wasm');
  list.push('cpu');
  return list;
}

/** The gradient kernels Paddy registered for wasm (empty before useBackend has registered them). */
export function wasmTrainingKernels(): string[] {
  return wasmKernels ?? [];
}

/**
 * True when the wasm backend can train convolutional models: it needs Conv2DBackpropFilter (and the depthwise
 * gradients for fine-tuning MobileNetV2), which only Paddy's kernels provide.
 */
export function wasmCanTrain(kind: 'conv' | 'depthwise'): boolean {
  const need = kind === 'conv' ? ['Conv2DBackpropFilter'] : ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];
  return need.every((k) => tf.getKernel(k, 'wasm') !== undefined);
}

const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * Runs `fn` and removes any 'uncaughtException' / 'unhandledRejection' handler it added. The wasm backend's
 * Emscripten module installs handlers that rethrow: any stray error then exits with code 7 and prints the whole
 * minified module instead of one line. Paddy's processes rely on Node's own handling (a clear error, exit 1),
 * which their hosts report as "the worker … died".
 */
export async function keepProcessHandlers(fn: () => Promise<void>): Promise<void> {
  const listeners = (e: string) => process.listeners(e as 'uncaughtException') as Array<(...a: unknown[]) => void>;
  const before = new Map(PROCESS_EVENTS.map((e) => [e, new Set(listeners(e))]));
  try {
    await fn();
  } finally {
    for (const e of PROCESS_EVENTS) {
      for (const l of listeners(e)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
    }
  }
}

/**
 * Activate a backend. 'auto' takes the best available; an explicit choice that cannot load is an error
 * naming what is missing. `purpose` 'train-conv' skips wasm under 'auto' while it lacks the conv gradients.
 */
export async function useBackend(choice: BackendChoice | BackendName = 'auto', purpose: 'infer' | 'train-conv' | 'train-dense' = 'infer'): Promise<BackendName> {
  const candidates: BackendName[] = [];
  if (choice === 'auto') candidates.push(...(await availableBackends()));
  else if (choice === 'tensorflow' || choice === 'tensorflow-gpu') {
    const native = await tryNative();
    if (!native) throw new Error('backend "tensorflow" is not available: @tensorflow/tfjs-node is not installed here (it needs libtensorflow; use auto, wasm or cpu)');
    candidates.push(native);
  } else candidates.push(choice);

  let lastError = '';
  for (const name of candidates) {
    if (name === 'wasm') {
      prepareWasm();
      if (wasmKernels === null) wasmKernels = registerWasmTrainingKernels();
      if (choice === 'auto' && purpose === 'train-conv' && !wasmCanTrain('conv')) continue;
    }
    try {
      if (tf.getBackend() !== TF_NAME[name] || active !== name) {
        await keepProcessHandlers(async () => {
          const ok = await tf.setBackend(TF_NAME[name]);
          if (!ok) throw new Error(`tfjs could not initialise "${name}"`);
          await tf.ready();
        });
      }
      active = name;
      return name;
    } catch (e) {
      lastError = (e as Error).message;
    }
  }
  throw new Error(`no usable tfjs backend for "${choice}": ${lastError || 'none available'}`);
}

/** The backend currently active in this process (null before `useBackend`). */
export function activeBackend(): BackendName | null {
  return active;
}
