// `paddy weights download`: fetches the official Keras MobileNetV2 ImageNet weights (the file
// keras.applications itself downloads) to a temp file, converts them into the library's models folder and
// verifies the result. Every failure is one line saying what happened and what to do instead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { modelFolderName, type Alpha } from './find';
import { convertKerasH5, type ConvertedModel } from './convert';

/** Where keras.applications.MobileNetV2 downloads its weights from. Override: $PADDY_WEIGHTS_BASE_URL or baseUrl. */
export const KERAS_WEIGHTS_BASE_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2';

export function weightsFileName(alpha: Alpha): string {
  return `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${alpha === 1 ? '1.0' : '0.35'}_224_no_top.h5`;
}

export function weightsUrl(alpha: Alpha, baseUrl?: string): string {
  const base = baseUrl ?? process.env.PADDY_WEIGHTS_BASE_URL ?? KERAS_WEIGHTS_BASE_URL;
  return `${base.replace(/\/+$/, '')}/${weightsFileName(alpha)}`;
}

export type WeightsProgress =
  | { phase: 'download'; received: number; total: number | null }
  /** Converting and verifying (a few seconds). */
  | { phase: 'convert' };

export interface DownloadOptions {
  alpha: Alpha;
  /** The library's models folder; the model lands in <modelsDir>/mobilenet_v2/<model folder>. */
  modelsDir: string;
  baseUrl?: string;
  onProgress?: (p: WeightsProgress) => void;
  signal?: AbortSignal;
}

export interface DownloadResult extends ConvertedModel {
  url: string;
  downloadedBytes: number;
}

function describe(e: unknown): string {
  const err = e as Error & { cause?: Error & { code?: string } };
  const cause = err.cause ? `${err.cause.code ? `${err.cause.code} ` : ''}${err.cause.message}` : '';
  return cause || err.message;
}

/** Streams `url` into `file`; throws one-line errors for unreachable hosts, HTTP errors and short bodies. */
export async function downloadFile(url: string, file: string, hint: string, onProgress?: (received: number, total: number | null) => void, signal?: AbortSignal): Promise<number> {
  const host = new URL(url).host;
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal });
  } catch (e) {
    if (signal?.aborted) throw new Error('download cancelled');
    throw new Error(`could not reach ${host}: ${describe(e)}; ${hint}`);
  }
  if (!res.ok || !res.body) {
    throw new Error(`download failed: HTTP ${res.status} ${res.statusText} for ${url}; ${hint}`);
  }
  const header = res.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
  const out = fs.createWriteStream(file);
  let received = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (signal?.aborted) throw new Error('download cancelled');
        throw new Error(`download truncated: connection lost after ${received}${total ? ` of ${total}` : ''} bytes from ${host} (${describe(e)}); run the command again`);
      }
      if (chunk.done) break;
      received += chunk.value.byteLength;
      if (!out.write(chunk.value)) await new Promise<void>((r) => out.once('drain', r));
      onProgress?.(received, total);
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  if (total !== null && received !== total) {
    throw new Error(`download truncated: got ${received} of ${total} bytes from ${host}; run the command again`);
  }
  return received;
}

/** Downloads, converts and verifies the weights; the model folder appears only when all of it succeeded. */
export async function downloadWeights(opts: DownloadOptions): Promise<DownloadResult> {
  const url = weightsUrl(opts.alpha, opts.baseUrl);
  const dest = path.join(opts.modelsDir, 'mobilenet_v2', modelFolderName(opts.alpha));
  const hint = `copy the weights folder "${modelFolderName(opts.alpha)}" (model.json + .bin shards) from another machine into ${path.dirname(dest)}`;
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-weights-'));
  const h5 = path.join(tmpDir, weightsFileName(opts.alpha));
  try {
    const downloadedBytes = await downloadFile(url, h5, hint, (received, total) => opts.onProgress?.({ phase: 'download', received, total }), opts.signal);
    if (opts.signal?.aborted) throw new Error('download cancelled');
    opts.onProgress?.({ phase: 'convert' });
    let converted: ConvertedModel;
    try {
      converted = await convertKerasH5(h5, opts.alpha, dest);
    } catch (e) {
      // The temp file's name means nothing to the user: name the URL it came from.
      throw new Error(`${(e as Error).message.split(h5).join(`the file downloaded from ${url}`)}`);
    }
    return { ...converted, url, downloadedBytes };
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}
