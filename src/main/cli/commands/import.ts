// `paddy import <folder>`: imports a folder of class folders into the library, with a progress bar on a
// terminal, a readable summary, or (--json) exactly one JSON object on stdout.
import type { ImportReport } from '../../../shared/types';
import { call, withLibrary } from '../call';
import { UsageError, type CliIo, type Command } from '../command';
import type { CliContext } from '../context';
import { ProgressBar } from '../progress';
import { register } from './index';

/** Shows import.progress events as a bar while `run` works (nothing when not on a terminal). */
export async function withProgress<T>(ctx: CliContext, io: CliIo, label: string, run: () => Promise<T>): Promise<T> {
  const bar = new ProgressBar(label, io.interactive);
  const stop = ctx.listen((name, payload) => {
    if (name !== 'import.progress') return;
    const p = payload as { done: number; total: number; current?: string };
    bar.update(p.done, p.total, p.current ?? '');
  });
  try {
    return await run();
  } finally {
    stop();
    bar.done();
  }
}

export function printImportReport(report: ImportReport, io: CliIo, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(report));
    return;
  }
  io.out(
    `Imported ${report.imported} new image${report.imported === 1 ? '' : 's'} from ${report.folder} in ${report.seconds.toFixed(1)} s` +
      ` (${report.alreadyPresent} already present, ${report.conflicts} conflict${report.conflicts === 1 ? '' : 's'}, ${report.skipped.length} skipped)`,
  );
  const names = Object.keys(report.classes);
  if (names.length) {
    const w = Math.max(...names.map((n) => n.length));
    io.out('Library now has:');
    for (const n of names) io.out(`  ${n.padEnd(w)}  ${report.classes[n]}`);
  }
  if (report.unlabeled) {
    if (report.imported) io.out(`Imported without labels: ${report.imported} new image(s) have no class until labeled (\`paddy prelabel --run ID\` suggests one).`);
    if (report.alreadyLabeled) io.out(`${report.alreadyLabeled} image(s) were already in the library with a label and keep it.`);
  }
  if (report.conflicts) io.out(`Conflicts: ${report.conflicts} image(s) found under more than one class folder; each kept once, marked as a conflict.`);
  if (report.skipped.length) {
    io.out('Skipped:');
    const shown = report.skipped.slice(0, 25);
    for (const s of shown) io.out(`  ${s.path}: ${s.reason}`);
    if (report.skipped.length > shown.length) io.out(`  … and ${report.skipped.length - shown.length} more (use --json for the full list)`);
  }
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import a folder with one sub-folder per class (images are referenced in place, never changed)',
  usage: 'paddy import <folder> [--unlabeled] [--library DIR] [--json]',
  // --unlabeled: every image below the folder joins without a class (#14).
  options: { unlabeled: { type: 'boolean' } },
  async run(args, io) {
    const [folder, ...extra] = args.positionals;
    if (!folder) throw new UsageError('give the folder to import: paddy import <folder>');
    if (extra.length) throw new UsageError(`one folder at a time (got ${args.positionals.length})`);
    const json = Boolean(args.values.json);
    return withLibrary(args, async (ctx) => {
      const report = await withProgress(ctx, io, 'Importing', () =>
        args.values.unlabeled ? call(ctx, 'import.unlabeled', { folder }) : call(ctx, 'import.folder', { folder }));
      printImportReport(report, io, json);
      return 0;
    }, { create: true });
  },
};

register(importCommand);
