// Web host overhead: API round trips, a browse page over HTTP, and thumbnail throughput (what the grid pulls while
// scrolling in a browser). Real library (40 rice images imported), real HTTP on 127.0.0.1.
// Run: npm run bench:web
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLibrary } from '../src/main/library';
import { importFolder } from '../src/main/services/import/index';
import { startWebHost } from '../src/main/web/server';

const RICE = path.resolve(import.meta.dirname, '../../shared/datasets/rice');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-bench-web-'));
const src = path.join(tmp, 'src');
for (const c of fs.readdirSync(RICE).filter((d) => fs.statSync(path.join(RICE, d)).isDirectory())) {
  fs.mkdirSync(path.join(src, c), { recursive: true });
  for (const f of fs.readdirSync(path.join(RICE, c)).slice(0, 8)) fs.copyFileSync(path.join(RICE, c, f), path.join(src, c, f));
}
const lib = openLibrary(path.join(tmp, 'lib'), { create: true });
await importFolder(lib, src);
const ids = (lib.db.prepare('SELECT id FROM images').all() as Array<{ id: number }>).map((r) => r.id);
lib.close();

const host = await startWebHost({ libraryDir: path.join(tmp, 'lib'), staticDir: tmp });
const base = `http://127.0.0.1:${host.port}`;
const auth = { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' };
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const fmt = (xs: number[]) => `median ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms`;

async function timed(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const post = (name: string, body: unknown) => fetch(`${base}/api/${name}`, { method: 'POST', headers: auth, body: JSON.stringify(body) }).then((r) => r.json());
console.log(`library.info round trip: ${fmt(await timed(300, () => post('library.info', {})))}`);
console.log(
  `images.query page of 40: ${fmt(await timed(300, () => post('images.query', { filter: {}, sort: 'name', desc: false, offset: 0, limit: 40 })))}`,
);

const N = 2000;
const CONCURRENCY = 8;
let next = 0;
let bytes = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const id = ids[next++ % ids.length];
      const r = await fetch(`${base}/api/img/thumb/${id}?token=${host.token}`);
      bytes += (await r.arrayBuffer()).byteLength;
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
console.log(`thumbnails: ${N} in ${secs.toFixed(2)} s = ${Math.round(N / secs)} /s (${CONCURRENCY} in flight, ${Math.round(bytes / N)} B avg)`);

await host.close();
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`load average during run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
