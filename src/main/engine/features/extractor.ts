// The seam between feature caching (training/features.ts) and whatever runs the frozen MobileNetV2 base:
// tfjs (any backend) or onnxruntime-node (training/onnx/). Both produce the same pooled `out_relu` features.

export interface FeatureExtractor {
  /** e.g. "onnxruntime-cpu" or "tfjs-wasm": recorded with the run, shown to the user. */
  readonly name: string;
  /** Length of one feature vector (1280 for MobileNetV2 α 1.0 and 0.35). */
  readonly dims: number;
  /**
   * `batch`: n images, NHWC float32, 224×224×3, already normalised with x/127.5 − 1.
   * Returns n × dims floats: global-average-pooled `out_relu` activations.
   */
  extract(batch: Float32Array, n: number): Promise<Float32Array>;
  dispose(): Promise<void> | void;
}
