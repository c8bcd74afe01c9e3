// `paddy weights download [--alpha 1.0|0.35] [--dest DIR] [--base-url URL]`: gets the MobileNetV2 ImageNet
// weights on a machine with internet and converts them into the library (or --dest) so transfer learning
// works offline afterwards. Needs no open library: only its models folder is written.
import path from 'node:path';
import { defaultLibraryDir, libraryPaths } from '../../library';
import type { Alpha } from '../../engine/weights/find';
import { downloadWeights, type DownloadResult } from '../../engine/weights/download';
import { str, UsageError, type CliIo, type Command, type ParsedArgs } from '../command';
import { ProgressBar } from '../progress';
import { register } from './index';

function parseAlpha(v: string | undefined): Alpha {
  if (v === undefined || v === '1' || v === '1.0' || v === '1.00') return 1;
  if (v === '0.35') return 0.35;
  throw new UsageError(`--alpha must be 1.0 or 0.35 (got "${v}")`);
}

const MiB = 1024 * 1024;
const mib = (n: number): number => Math.round((n / MiB) * 10) / 10;

/** The command's work, callable from tests with an injected base URL. */
export async function runWeightsDownload(args: ParsedArgs, io: CliIo): Promise<DownloadResult> {
  const alpha = parseAlpha(str(args, 'alpha'));
  const dest = str(args, 'dest');
  // --dest DIR receives mobilenet_v2/<model folder>, like a library's models folder, so findWeights' --weights DIR accepts it.
  const modelsDir = dest ? path.resolve(dest) : libraryPaths(str(args, 'library') ?? defaultLibraryDir()).models;
  const bar = new ProgressBar(`weights α${alpha === 1 ? '1.0' : '0.35'}`, io.interactive);
  const started = Date.now();
  // Ctrl-C stops the download and removes the partial file; the library is never touched before conversion ends.
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.on('SIGINT', onSigint);
  const result = await downloadWeights({
    alpha,
    modelsDir,
    baseUrl: str(args, 'base-url'),
    signal: abort.signal,
    onProgress: (p) => {
      if (p.phase === 'download') {
        const secs = (Date.now() - started) / 1000;
        const rate = secs > 0 ? p.received / secs / MiB : 0;
        bar.update(mib(p.received), mib(p.total ?? p.received), `MiB, ${rate.toFixed(1)} MiB/s`);
      } else {
        bar.done();
        if (io.interactive) io.err('converting and verifying…');
      }
    },
  }).finally(() => {
    process.off('SIGINT', onSigint);
    bar.done();
  });
  return result;
}

export const weightsCommand: Command = {
  name: 'weights',
  summary: 'Download the MobileNetV2 ImageNet weights (online machines) into the library',
  usage: 'paddy weights download [--alpha 1.0|0.35] [--library DIR] [--dest DIR] [--base-url URL] [--json]',
  options: { alpha: { type: 'string' }, dest: { type: 'string' }, 'base-url': { type: 'string' } },
  async run(args, io) {
    const sub = args.positionals[0];
    if (sub !== 'download' || args.positionals.length > 1) throw new UsageError(`usage: ${weightsCommand.usage}`);
    const r = await runWeightsDownload(args, io);
    if (args.values.json) io.out(JSON.stringify(r));
    else {
      io.out(`MobileNetV2 weights ready in ${r.dir}`);
      io.out(`  ${r.layers} layers, ${r.params.toLocaleString('en-US')} parameters, output [${r.outputShape.map((d) => d ?? 'null').join(',')}], ${r.shards} shard(s), ${mib(r.bytes)} MiB (downloaded ${mib(r.downloadedBytes)} MiB from ${r.url})`);
    }
    return 0;
  },
};

register(weightsCommand);
