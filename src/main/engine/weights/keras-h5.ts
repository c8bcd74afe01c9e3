// Reads the weights of a Keras HDF5 file (save_weights layout, or a full-model save's model_weights group):
// root attribute layer_names, each layer group's attribute weight_names ("Conv1/kernel:0", ...) naming its
// datasets. h5wasm is HDF5 compiled to WebAssembly, so this works on every platform without native builds.
import fs from 'node:fs';

export interface H5Weight {
  /** The Keras weight name without ":0", e.g. "bn_Conv1/gamma". */
  name: string;
  shape: number[];
  data: Float32Array;
}

const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Throws a one-line error naming the file unless it starts with the HDF5 signature. */
export function assertHdf5(file: string): void {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(64);
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (n >= 8 && head.subarray(0, 8).equals(HDF5_MAGIC)) return;
  const preview = head.subarray(0, Math.min(n, 24)).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  throw new Error(`${file} is not an HDF5 weights file (${n} bytes start with "${preview}")`);
}

function strings(v: unknown, what: string): string[] {
  // h5py stores lists as fixed-length byte strings, and an empty list as an empty float array.
  const arr = Array.isArray(v) ? v : v == null ? [] : [v];
  return arr.map((s) => {
    if (typeof s === 'string') return s;
    if (s instanceof Uint8Array) return Buffer.from(s).toString('utf8');
    throw new Error(`${what} is not a list of names`);
  });
}

type H5Group = { attrs: Record<string, unknown>; get_attribute(name: string, json: true): unknown };

/** Keras splits attributes over 64 KB into name0, name1, … (load_attributes_from_hdf5_group). */
function attrList(group: H5Group, name: string, what: string): string[] {
  if (name in group.attrs) return strings(group.get_attribute(name, true), what);
  const out: string[] = [];
  for (let i = 0; `${name}${i}` in group.attrs; i++) out.push(...strings(group.get_attribute(`${name}${i}`, true), what));
  return out;
}

/** layer name → its weights in the file's order. */
export async function readKerasWeights(file: string): Promise<Map<string, H5Weight[]>> {
  assertHdf5(file);
  const { default: h5wasm } = await import('h5wasm/node');
  await h5wasm.ready;
  let f: InstanceType<typeof h5wasm.File>;
  try {
    f = new h5wasm.File(file, 'r');
  } catch (e) {
    throw new Error(`${file}: cannot open as HDF5 (truncated or damaged?): ${(e as Error).message}`);
  }
  const out = new Map<string, H5Weight[]>();
  try {
    let root: InstanceType<typeof h5wasm.Group> = f;
    const hasNames = (g: H5Group) => 'layer_names' in g.attrs || 'layer_names0' in g.attrs;
    if (!hasNames(f)) {
      const mw = f.get('model_weights');
      if (mw instanceof h5wasm.Group && hasNames(mw)) root = mw;
      else throw new Error(`${file}: no "layer_names" attribute: not a Keras weights file`);
    }
    for (const layer of attrList(root, 'layer_names', 'layer_names')) {
      const group = root.get(layer);
      if (!(group instanceof h5wasm.Group)) throw new Error(`${file}: layer "${layer}" is listed but has no group`);
      const names = attrList(group, 'weight_names', `weight_names of layer "${layer}"`);
      const weights: H5Weight[] = [];
      for (const wn of names) {
        const ds = group.get(wn);
        if (!(ds instanceof h5wasm.Dataset)) throw new Error(`${file}: weight "${layer}/${wn}" is listed but missing`);
        const value = ds.value;
        const data = value instanceof Float32Array ? value.slice()
          : ArrayBuffer.isView(value) && !(value instanceof DataView) ? Float32Array.from(value as unknown as ArrayLike<number>)
            : null;
        if (!data) throw new Error(`${file}: weight "${layer}/${wn}" is not numeric (dtype ${JSON.stringify(ds.dtype)})`);
        weights.push({ name: wn.replace(/:\d+$/, ''), shape: ds.shape ?? [], data });
      }
      out.set(layer, weights);
    }
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.includes(file) ? msg : `${file}: cannot read weights (truncated or damaged?): ${msg}`);
  } finally {
    f.close();
  }
  return out;
}
