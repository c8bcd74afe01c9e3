// `paddy export <out>`: writes the library's current labels as a folder per class (+ an optional CSV).
import { call, withLibrary } from '../call';
import { str, UsageError, type Command } from '../command';
import { register } from './index';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write the current labels out as <out>/<Class>/<file> (copies, or hard links with --link) and a CSV',
  usage: 'paddy export <out-folder> [--csv FILE] [--link] [--library DIR] [--json]',
  options: { csv: { type: 'string' }, link: { type: 'boolean' } },
  async run(args, io) {
    const [outDir, ...extra] = args.positionals;
    if (!outDir || extra.length) throw new UsageError('give one output folder: paddy export <out-folder>');
    return withLibrary(args, async (ctx) => {
      const csv = str(args, 'csv');
      const result = await call(ctx, 'export.folder', { outDir, mode: args.values.link ? 'link' : 'copy', ...(csv ? { csv } : {}) });
      if (args.values.json) io.out(JSON.stringify(result));
      else {
        io.out(`Exported ${result.images} image${result.images === 1 ? '' : 's'} to ${result.outDir}${result.csv ? `; labels in ${result.csv}` : ''}`);
        const missing = (result as { missing?: Array<{ path: string; reason: string }> }).missing ?? [];
        for (const m of missing.slice(0, 25)) io.out(`  not exported: ${m.path}: ${m.reason}`);
        if (missing.length > 25) io.out(`  … and ${missing.length - 25} more`);
      }
      return 0;
    });
  },
};

register(exportCommand);
