// `npm run bench`: the issue-4 speed benchmark on the active backend (the best available) and on each other
// available one. Prints one JSON object per backend (one line each); `--quick` for a short smoke run,
// `--backend wasm|cpu` for one backend only. The lead's numbers come from a quiet machine; see BENCHMARKS.md.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableBackends } from '../src/main/engine/backends';
import { runSpeedBench } from '../src/main/engine/speed-bench';
import type { BackendName } from '../src/shared/types';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv.includes('--backend') ? (argv[argv.indexOf('--backend') + 1] as BackendName) : null;
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const mobilenetDir = process.env.PADDY_MOBILENET_DIR ?? path.resolve(root, '../shared/models/mobilenet_v2');
const riceDir = process.env.PADDY_RICE_DIR ?? path.resolve(root, '../shared/datasets/rice');
const peersDir = process.env.PADDY_PEERS_DIR ?? path.resolve(root, '../shared/peers');
const backends = only ? [only] : await availableBackends();
for (const b of backends) {
  const r = await runSpeedBench(b, { quick, mobilenetDir, riceDir, peersDir, log: (l) => console.error(`[${b}] ${l}`) });
  console.log(JSON.stringify(r));
}
process.exit(0);
