// Several processes writing one library at once: two `paddy import`s, and an import while another process
// relabels nonstop. A write transaction that starts deferred and reads before it writes gets "database is
// locked" at once when another process holds the write lock (the busy timeout never applies to the upgrade),
// so these fail unless every racing write transaction takes the lock at BEGIN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { openLibrary } from '../../../../src/main/library';
import { importFolder } from '../../../../src/main/services/import/index';
import { BIN, ROOT } from '../../../helpers/root';
import { riceSubset } from '../../../helpers/rice-subset';
import { tempDir } from '../../../helpers/tmp';

interface Exit {
  code: number | null;
  out: string;
  err: string;
}

function run(args: string[], opts: { stdin?: boolean } = {}): { done: Promise<Exit>; child: ReturnType<typeof spawn> } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, PADDY_LIBRARY: '' }, stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<Exit>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { done, child };
}

const importCli = (folder: string, lib: string) => run([BIN, 'import', folder, '--library', lib, '--json']);

function imageCount(dir: string): number {
  const lib = openLibrary(dir, { create: true });
  try {
    return (lib.db.prepare(`SELECT COUNT(*) AS n FROM images`).get() as { n: number }).n;
  } finally {
    lib.close();
  }
}

const PER_CLASS = 150;
const CLASSES = ['Arborio', 'Basmati'];

test('two paddy imports into one library at the same moment both finish, and the library holds both', { timeout: 180_000 }, async () => {
  // Same class names, different images: both processes also race to create the classes.
  const a = riceSubset(PER_CLASS, { classes: CLASSES });
  const b = riceSubset(PER_CLASS, { classes: CLASSES, from: PER_CLASS });
  const each = PER_CLASS * CLASSES.length;
  for (let round = 0; round < 3; round++) {
    const lib = tempDir('paddy-cw-');
    const [ra, rb] = await Promise.all([importCli(a, lib).done, importCli(b, lib).done]);
    for (const r of [ra, rb]) {
      assert.equal(r.code, 0, `round ${round}: ${r.err}`);
      const report = JSON.parse(r.out) as { imported: number; skipped: unknown[] };
      assert.equal(report.imported, each, `round ${round}`);
      assert.deepEqual(report.skipped, []);
    }
    assert.equal(imageCount(lib), 2 * each, `round ${round}`);
  }
});

// The relabeler: its own process and connection, relabelling the library's first images back and forth through
// the labels service until its stdin closes, then printing how many batches it wrote.
const RELABELER = `
  import { openLibrary } from ${JSON.stringify(path.join(ROOT, 'src/main/library.ts'))};
  import { setLabels, undo } from ${JSON.stringify(path.join(ROOT, 'src/main/services/labels.ts'))};
  const lib = openLibrary(process.argv[1], { create: true });
  const ids = lib.db.prepare('SELECT id FROM images ORDER BY id LIMIT 20').pluck().all();
  const classes = lib.db.prepare('SELECT id FROM classes ORDER BY id').pluck().all();
  let stop = false;
  process.stdin.on('end', () => (stop = true));
  process.stdin.resume();
  let batches = 0;
  console.log('ready');
  for (let i = 0; !stop; i++) {
    const r = setLabels(lib.db, ids, classes[i % classes.length], 'manual');
    // Every fifth batch is undone again: undo is a racing write transaction too.
    if (r.batchId !== null && ++batches % 5 === 0) undo(lib.db);
    await new Promise((resolve) => setImmediate(resolve));
  }
  lib.close();
  console.log(batches);
`;

test('an import finishes while another process relabels nonstop, and neither loses a write', { timeout: 180_000 }, async () => {
  const dir = tempDir('paddy-cw-');
  const seed = openLibrary(dir, { create: true });
  await importFolder(seed, riceSubset(10, { classes: CLASSES }));
  seed.close();
  const src = riceSubset(PER_CLASS, { classes: CLASSES, from: 10 });

  const relabeler = run(['--import', 'tsx', '--input-type=module', '-e', RELABELER, dir], { stdin: true });
  // Start the import only once the relabeler is writing, so the whole import races with it.
  await new Promise<void>((resolve, reject) => {
    relabeler.child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    relabeler.child.on('exit', (code) => reject(new Error(`the relabeler exited early (${code})`)));
  });
  const imported = await importCli(src, dir).done;
  relabeler.child.stdin!.end();
  const relabels = await relabeler.done;

  assert.equal(imported.code, 0, imported.err);
  assert.equal((JSON.parse(imported.out) as { imported: number }).imported, PER_CLASS * CLASSES.length);
  assert.equal(relabels.code, 0, relabels.err);
  const batches = Number(relabels.out.trim().split('\n').at(-1));
  assert.ok(batches > 10, `the relabeler kept writing during the import (${batches} batches)`);
  const lib = openLibrary(dir, { create: true });
  try {
    assert.equal((lib.db.prepare(`SELECT COUNT(*) AS n FROM images`).get() as { n: number }).n, 20 + PER_CLASS * CLASSES.length);
    // Every image has exactly its label, and the journal's batches are whole: no batch id was handed out twice.
    assert.equal((lib.db.prepare(`SELECT COUNT(*) AS n FROM labels`).get() as { n: number }).n, 20 + PER_CLASS * CLASSES.length);
    const mixed = lib.db.prepare(`SELECT batch_id FROM label_journal GROUP BY batch_id HAVING COUNT(DISTINCT origin) > 1`).all();
    assert.deepEqual(mixed, []);
  } finally {
    lib.close();
  }
});
