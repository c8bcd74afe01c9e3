// Import benchmark: the 12,000 rice JPEGs into an empty temporary library (thumbnails included), then the same
// folder again (must add nothing). Reports wall seconds, images/s, CPU seconds, RSS along the way and peak RSS,
// and prints a Markdown row for BENCHMARKS.md. Usage: npm run bench:import [-- --concurrency N] [--folder DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLibrary } from '../src/main/library';
import { defaultConcurrency, importFolder } from '../src/main/services/import/index';

const { values } = parseArgs({
  options: { concurrency: { type: 'string' }, folder: { type: 'string' }, keep: { type: 'boolean' } },
});
const folder = path.resolve(values.folder ?? path.join(import.meta.dirname, '../../shared/datasets/rice'));
const concurrency = values.concurrency ? Number(values.concurrency) : defaultConcurrency();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-bench-import-'));
const mb = (b: number): number => Math.round(b / 1024 / 1024);

const lib = openLibrary(dir, { create: true });
const rss: Array<[number, number]> = [];
let nextMark = 0.25;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const report = await importFolder(lib, folder, {
  concurrency,
  emit: (name, p) => {
    if (name !== 'import.progress') return;
    const { done, total } = p as { done: number; total: number };
    if (total && done / total >= nextMark) {
      rss.push([Math.round((done / total) * 100), mb(process.memoryUsage().rss)]);
      nextMark += 0.25;
    }
  },
});
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

const t1 = performance.now();
const again = await importFolder(lib, folder, { concurrency });
const wall2 = (performance.now() - t1) / 1000;
const peak = Math.round(process.resourceUsage().maxRSS / 1024);
lib.close();
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });

const n = report.imported;
console.log(`folder ${folder}, concurrency ${concurrency}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`first import: ${n} imported, ${report.skipped.length} skipped in ${wall.toFixed(1)} s = ${(n / wall).toFixed(0)} img/s; main-process CPU ${cpuSeconds.toFixed(1)} s (${((cpuSeconds / n) * 1000).toFixed(2)} ms/img)`);
console.log(`RSS at ${rss.map(([p, m]) => `${p}%: ${m} MB`).join(', ')}; peak RSS ${peak} MB`);
console.log(`second import: ${again.imported} imported, ${again.alreadyPresent} already present in ${wall2.toFixed(1)} s`);
console.log(
  `| ${n} rice JPEGs → empty library, thumbnails | ${concurrency} | ${wall.toFixed(1)} s | ${(n / wall).toFixed(0)} | ${cpuSeconds.toFixed(1)} s | ${rss.map(([, m]) => m).join(' / ')} MB | ${peak} MB | ${wall2.toFixed(1)} s (${again.imported} new, ${again.alreadyPresent} present) | ${os.loadavg()[0]!.toFixed(1)} |`,
);
