// `paddy runs`: the library's training runs, newest first (a table, or a JSON array with --json).
import { call, withWorkers } from '../call';
import { register } from './index';
import { forTerminal } from '../terminal';
import type { Command } from '../command';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List training runs (status, model, backend, test accuracy, time, engine)',
  usage: 'paddy runs [--json]',
  options: {},
  async run(args, io) {
    return withWorkers(args, async (ctx) => {
      const runs = await call(ctx, 'runs.list', {});
      if (args.values.json) {
        io.out(JSON.stringify(runs));
        return 0;
      }
      // The name is the user's (free text, any length): clipped to a column so the numbers line up, escaped
      // because names are data; ★ marks the run Predict and Browse start from.
      const name = (r: (typeof runs)[number]) => {
        const n = forTerminal(r.name ?? '');
        return (n.length > 24 ? `${n.slice(0, 23)}…` : n).padEnd(24);
      };
      if (!runs.length) io.out('no runs yet (paddy train --model cnn|mobilenetv2)');
      else io.out(`${'  run'.padEnd(36)} ${'name'.padEnd(24)} ${'status'.padEnd(9)} ${'model'.padEnd(11)} ${'backend'.padEnd(10)} test acc ${'time'.padStart(7)}  engine`);
      for (const r of runs) {
        const acc = (r.testAccuracy === null ? '-' : `${(r.testAccuracy * 100).toFixed(2)}%`).padStart(8);
        // Fixed width: the engine (free text, after it) and any error then line up.
        const secs = (r.seconds.total === undefined ? '-' : `${r.seconds.total.toFixed(0)}s`).padStart(7);
        io.out(`${r.isDefault ? '★' : ' '} ${r.id.padEnd(34)} ${name(r)} ${r.status.padEnd(9)} ${r.model.padEnd(11)} ${(r.backend ?? '-').padEnd(10)} ${acc} ${secs}  ${r.engine ?? '-'}${r.error ? `  ${r.error}` : ''}`);
      }
      return 0;
    });
  },
};

register(runsCommand);
