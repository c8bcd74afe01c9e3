// `paddy stats`: images per class and per split.
import { call, withLibrary } from '../call';
import type { Command } from '../command';
import { register } from './index';

export const statsCommand: Command = {
  name: 'stats',
  summary: 'Show images per class and per split (train/val/test)',
  usage: 'paddy stats [--library DIR] [--json]',
  options: {},
  async run(args, io) {
    return withLibrary(args, async (ctx) => {
      const s = await call(ctx, 'library.stats', {});
      if (args.values.json) {
        io.out(JSON.stringify(s));
        return 0;
      }
      const w = Math.max(5, ...s.classes.map((c) => c.name.length));
      const row = (name: string, total: number, tr: number, va: number, te: number): string =>
        `${name.padEnd(w)}  ${String(total).padStart(7)}  ${String(tr).padStart(7)}  ${String(va).padStart(7)}  ${String(te).padStart(7)}`;
      io.out(`Library ${ctx.library().dir}`);
      io.out(`${'class'.padEnd(w)}  ${['total', 'train', 'val', 'test'].map((h) => h.padStart(7)).join('  ')}`);
      for (const c of s.classes) io.out(row(c.name, c.total, c.train, c.val, c.test));
      io.out(row('all', s.total - s.unlabeled, s.splits.train, s.splits.val, s.splits.test));
      if (s.unlabeled) io.out(`${s.unlabeled} image(s) without a label`);
      return 0;
    });
  },
};

register(statsCommand);
