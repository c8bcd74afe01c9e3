// `paddy bench`: training and feature-extraction speed (img/s) and peak memory on the active backend, or on each
// available one with --all; one JSON object per backend. Where Debian's python3-torch is installed, PyTorch's
// numbers for the same work (../shared/peers) are measured in the same run and printed beside Paddy's as ratios.
import path from 'node:path';
import { projectRoot } from '../../util/project-root';
import { availableBackends } from '../../engine/backends';
import { runSpeedBench, type BenchResult } from '../../engine/speed-bench';
import type { BackendName } from '../../../shared/types';
import { UsageError, num, str, type Command } from '../command';
import { register } from './index';

const BACKENDS = ['tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'];

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Measure training and feature-extraction speed (img/s) and peak memory on this machine',
  usage: 'paddy bench [--backend wasm|cpu|tensorflow] [--all] [--threads N] [--weights DIR] [--images DIR] [--quick] [--json]',
  options: {
    backend: { type: 'string' },
    all: { type: 'boolean' },
    threads: { type: 'string' },
    weights: { type: 'string' },
    images: { type: 'string' },
    quick: { type: 'boolean' },
  },
  async run(args, io) {
    const choice = str(args, 'backend');
    if (choice && !BACKENDS.includes(choice)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} (got "${choice}")`);
    const threads = num(args, 'threads', 2)!;
    if (!Number.isInteger(threads) || threads < 1 || threads > 16) throw new UsageError(`--threads must be an integer 1..16 (got ${threads})`);
    const available = await availableBackends();
    const list: BackendName[] = choice ? [choice as BackendName] : args.values.all ? available : [available[0]];
    const shared = path.resolve(projectRoot(), '../shared');
    const mobilenetDir = str(args, 'weights') ?? process.env.PADDY_MOBILENET_DIR ?? path.join(shared, 'models/mobilenet_v2');
    // Training batches: a folder with one sub-folder per class (default: the rice dataset beside the project).
    const riceDir = str(args, 'images') ?? process.env.PADDY_RICE_DIR ?? path.join(shared, 'datasets/rice');
    // PyTorch side by side (issue 12): the peer scripts beside the project; $PYTHON picks the interpreter.
    const peersDir = process.env.PADDY_PEERS_DIR ?? path.join(shared, 'peers');
    const results: BenchResult[] = [];
    for (const b of list) {
      results.push(await runSpeedBench(b, {
        quick: Boolean(args.values.quick), threads, mobilenetDir, riceDir, peersDir,
        log: args.values.json ? undefined : (l) => io.err(`[${b}] ${l}`),
      }));
    }
    if (args.values.json) io.out(JSON.stringify(results.length === 1 ? results[0] : results));
    else for (const r of results) io.out(JSON.stringify(r, null, 2));
    return 0;
  },
};

register(benchCommand);
