// `paddy explain --run ID FILE... [--class NAME] [--out DIR] [--json]`: a Grad-CAM heat map per file (for the
// predicted class, or the class named), at the model's input resolution; --out writes overlay PNGs (the image as
// the model sees it with the heat on top). A file that cannot be read is reported on its own and makes the exit
// code 1 without stopping the others. Ctrl-C cancels (exit 130).
import fs from 'node:fs';
import path from 'node:path';
import type { ExplainResult } from '../../../shared/types';
import { decodeImage } from '../../engine/data/images';
import { overlayPng } from '../../engine/explain/overlay';
import { call, withWorkers } from '../call';
import { str, UsageError, type Command } from '../command';
import { cancellableJob } from '../job-cancel';
import { ProgressBar } from '../progress';
import { forTerminal } from '../terminal';
import { register } from './index';

/** One overlay file name per result: the image's name + the class, numbered only when two would clash. */
function overlayNames(results: readonly ExplainResult[]): string[] {
  const base = results.map((r) => `${path.parse(r.path).name}.${r.class ?? 'none'}.gradcam`.replace(/[^\p{L}\p{N}._-]/gu, '_'));
  const count = new Map<string, number>();
  base.forEach((b) => count.set(b, (count.get(b) ?? 0) + 1));
  return base.map((b, i) => `${count.get(b)! > 1 ? `${i + 1}-` : ''}${b}.png`);
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'Show where a run\'s model looks: Grad-CAM heat maps (and overlay PNGs) for image files',
  usage: 'paddy explain --run ID FILE... [--class NAME] [--out DIR] [--json]',
  options: { run: { type: 'string' }, class: { type: 'string' }, out: { type: 'string' } },
  async run(args, io) {
    const runId = str(args, 'run');
    if (!runId) throw new UsageError('--run ID is required (see `paddy runs`)');
    if (!args.positionals.length) throw new UsageError('give at least one image file');
    if (args.values.class !== undefined && !str(args, 'class')?.trim()) throw new UsageError('--class needs a class name');
    const outDir = str(args, 'out');
    if (outDir !== undefined && fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new UsageError(`--out ${outDir} is not a folder`);
    return withWorkers(args, async (ctx) => {
      const paths = args.positionals.map((p) => path.resolve(p));
      const className = str(args, 'class');
      const bar = new ProgressBar('explain', io.interactive);
      const stop = ctx.listen((name, payload) => {
        if (name === 'runs.explainProgress') bar.update((payload as { done: number }).done, (payload as { total: number }).total);
      });
      let results: ExplainResult[];
      try {
        results = await cancellableJob(ctx, io, 'runs.explain', () => call(ctx, 'runs.explain', { runId, paths, ...(className ? { className } : {}) }), () => bar.done());
        bar.done();
      } finally {
        stop();
      }
      const written: Array<string | null> = results.map(() => null);
      if (outDir !== undefined) {
        fs.mkdirSync(outDir, { recursive: true });
        const names = overlayNames(results);
        for (const [i, r] of results.entries()) {
          if (!r.heatmap) continue;
          const rgb = await decodeImage(r.path, r.heatmap.width);
          const file = path.join(outDir, names[i]!);
          fs.writeFileSync(file, await overlayPng(rgb, r.heatmap.values, r.heatmap.width));
          written[i] = file;
        }
      }
      if (args.values.json) {
        io.out(JSON.stringify({
          results: results.map((r, i) => ({
            path: r.path, predicted: r.predicted, probabilities: r.probabilities, class: r.class, heatmap: r.heatmap,
            ...(r.error ? { error: r.error } : {}), ...(written[i] ? { overlay: written[i] } : {}),
          })),
        }));
      } else {
        for (const [i, r] of results.entries()) {
          if (r.error) io.out(`${forTerminal(r.path)}: error: ${forTerminal(r.error)}`);
          else {
            const p = (r.probabilities[r.predicted!]! * 100).toFixed(1);
            const where = written[i] ? ` → ${forTerminal(written[i]!)}` : '';
            io.out(`${forTerminal(r.path)}: ${forTerminal(r.predicted!)} (${p}%), heat map for ${forTerminal(r.class!)} ${r.heatmap!.width}×${r.heatmap!.height}${where}`);
          }
        }
      }
      return results.some((r) => r.error) ? 1 : 0;
    });
  },
};

register(explainCommand);
