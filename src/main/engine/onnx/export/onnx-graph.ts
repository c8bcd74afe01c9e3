// A small builder over onnx-proto's generated ModelProto classes: initializers, nodes with typed attributes,
// graph inputs/outputs, and the encoded bytes. Everything ONNX-specific about field numbers and wire format is
// onnx-proto's (protobufjs) job; this only saves the exporter from spelling out attribute protos.
import onnxProto from 'onnx-proto';
import type { onnx as OnnxNs } from 'onnx-proto';

const { onnx } = onnxProto;

/** Opset 13 (the default): Clip takes min/max as inputs, Pad takes pads as an input, Softmax works on one axis. */
export const OPSET = 13;
/**
 * Opset 10, for files other ONNX consumers load: Clip and Pad take attributes, which OpenCV's DNN importer
 * (4.6) requires, and Softmax coerces its input to 2-D at `axis`.
 */
export const PORTABLE_OPSET = 10;
export type Opset = typeof OPSET | typeof PORTABLE_OPSET;
/** The IR version that goes with each opset (ONNX versioning table). */
const IR_VERSION: Record<Opset, number> = { 10: 5, 13: 7 };

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] };

export interface ValueSpec {
  name: string;
  /** A number for a fixed dimension, a string for a symbolic one (e.g. 'N' for the batch). */
  dims: Array<number | string>;
}

export class GraphBuilder {
  private readonly nodes: OnnxNs.INodeProto[] = [];
  private readonly initializers: OnnxNs.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** `reserved`: names kept for identityAs (e.g. the graph output), never handed out by fresh(). */
  constructor(reserved: string[] = [], readonly opset: Opset = OPSET) {
    for (const n of reserved) this.names.add(n);
  }

  /** A name not used yet in this graph, derived from `base` (Keras layer names are unique but derived ones may not be). */
  fresh(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  floatTensor(base: string, dims: number[], data: Float32Array): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`initializer ${base}: ${data.length} values for shape [${dims.join(',')}]`);
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  int64Tensor(base: string, values: number[]): string {
    const name = this.fresh(base);
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(raw.buffer),
    });
    return name;
  }

  /** Adds a node; returns its output names (fresh names derived from `outBase`). */
  node(opType: string, inputs: string[], outBase: string, attrs: Record<string, AttrValue> = {}, outputs = 1): string[] {
    const outNames = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? outBase : `${outBase}_${i}`));
    this.nodes.push({
      opType,
      name: this.fresh(`${outBase}/${opType}`),
      input: inputs,
      output: outNames,
      attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
    });
    return outNames;
  }

  /** Copies `input` to a tensor named exactly `name` (graph outputs get stable names; ORT removes the Identity). */
  identityAs(input: string, name: string): string {
    if (this.nodes.some((n) => n.output?.includes(name))) throw new Error(`tensor name ${name} is already used`);
    this.names.add(name);
    this.nodes.push({ opType: 'Identity', name: this.fresh(`${name}/Identity`), input: [input], output: [name], attribute: [] });
    return name;
  }

  build(opts: { name: string; inputs: ValueSpec[]; outputs: ValueSpec[]; docString?: string; metadata?: Record<string, string> }): Uint8Array {
    for (const v of opts.inputs) this.names.add(v.name);
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION[this.opset],
      producerName: 'paddy',
      producerVersion: '1',
      docString: opts.docString ?? '',
      opsetImport: [{ domain: '', version: this.opset }],
      metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: opts.name,
        node: this.nodes,
        initializer: this.initializers,
        input: opts.inputs.map(valueInfo),
        output: opts.outputs.map(valueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function attribute(name: string, v: AttrValue): OnnxNs.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: use {float} for non-integer ${v}`);
    return { name, type: T.INT, i: v };
  }
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  return { name, type: T.FLOATS, floats: v.floats };
}

function valueInfo(v: ValueSpec): OnnxNs.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** The feature count of a [N, dims] graph output, or 0 when the bytes are not such a model (damaged cache file). */
export function featureDims(bytes: Uint8Array): number {
  try {
    const model = onnx.ModelProto.decode(bytes);
    const dim = model.graph?.output?.[0]?.type?.tensorType?.shape?.dim;
    return dim?.length === 2 ? Number(dim[1].dimValue ?? 0) : 0;
  } catch {
    return 0;
  }
}
