// `paddy sources`: are the images' source files still the files imported? Check them (a stat each, a hash only
// when size or mtime moved), relink a moved folder, remove what is missing. Without an action it checks.
import { call, withLibrary } from '../call';
import { str, UsageError, type Command } from '../command';
import { ProgressBar } from '../progress';
import { register } from './index';

export const sourcesCommand: Command = {
  name: 'sources',
  summary: 'Check that source files are still there and unchanged; relink a moved folder; remove missing images',
  usage: 'paddy sources [--check] [--relink FROM TO] [--remove-missing] [--library DIR] [--json]',
  options: { check: { type: 'boolean' }, relink: { type: 'string' }, 'remove-missing': { type: 'boolean' } },
  async run(args, io) {
    const from = str(args, 'relink');
    const to = args.positionals[0];
    if (from !== undefined && (!to || args.positionals.length > 1)) throw new UsageError('give the old and the new folder: paddy sources --relink FROM TO');
    if (from === undefined && args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    const remove = Boolean(args.values['remove-missing']);
    const check = Boolean(args.values.check) || (from === undefined && !remove);
    const json = Boolean(args.values.json);
    return withLibrary(args, async (ctx) => {
      const out: Record<string, unknown> = {};
      if (from !== undefined) {
        const r = await call(ctx, 'sources.relink', { from, to: to! });
        out.relink = r;
        if (!json) io.out(`Relinked ${r.relinked} image${r.relinked === 1 ? '' : 's'} from ${from} to ${to}${r.unmatched ? ` (${r.unmatched} not found there with the same bytes)` : ''}`);
      }
      if (check) {
        const bar = new ProgressBar('check', io.interactive && !json);
        const stop = ctx.listen((name, payload) => {
          if (name === 'sources.progress') bar.update((payload as { done: number }).done, (payload as { total: number }).total);
        });
        try {
          const r = await call(ctx, 'sources.check', {});
          out.check = r;
          bar.done();
          if (!json) {
            io.out(`Checked ${r.checked} source file${r.checked === 1 ? '' : 's'} in ${r.seconds.toFixed(2)} s (${r.hashed} hashed): ${r.ok} ok, ${r.missing} missing, ${r.changed} changed`);
            if (r.missing + r.changed) io.out('Missing and changed images are left out of training, export and evaluation: relink (--relink FROM TO), re-import, or --remove-missing');
          }
        } finally {
          stop();
          bar.done();
        }
      }
      if (remove) {
        const r = await call(ctx, 'sources.removeMissing', {});
        out.removeMissing = r;
        if (!json) io.out(`Removed ${r.removed} image${r.removed === 1 ? '' : 's'} whose source was missing or changed`);
      }
      if (json) io.out(JSON.stringify(out));
      return 0;
    });
  },
};

register(sourcesCommand);
