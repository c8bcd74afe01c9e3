// Paddy's gradient kernels for the tfjs `wasm` backend (which lacks Conv2DBackpropFilter and the depthwise
// backprop kernels). Filled in by the kernels work; until then this registers nothing and says so.
export function registerWasmTrainingKernels(): string[] {
  return [];
}
