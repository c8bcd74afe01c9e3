// `paddy compare A B`: two runs on the test images both saw — accuracies, disagreements, McNemar's test.
import { call, withWorkers } from '../call';
import { register } from './index';
import { UsageError, type Command } from '../command';

export const compareCommand: Command = {
  name: 'compare',
  summary: 'Compare two runs on the images both were tested on (McNemar test)',
  usage: 'paddy compare RUN_A RUN_B [--json]',
  options: {},
  async run(args, io) {
    if (args.positionals.length !== 2) throw new UsageError(`compare needs exactly two run ids (got ${args.positionals.length})`);
    const [a, b] = args.positionals as [string, string];
    return withWorkers(args, async (ctx) => {
      const r = await call(ctx, 'runs.compare', { a, b });
      if (args.values.json) {
        io.out(JSON.stringify(r));
        return 0;
      }
      io.out(`${r.n} shared test images: A ${(r.accuracyA * 100).toFixed(2)}%  B ${(r.accuracyB * 100).toFixed(2)}%`);
      io.out(`both right ${r.table[0][0]}, A right/B wrong ${r.table[0][1]}, A wrong/B right ${r.table[1][0]}, both wrong ${r.table[1][1]}`);
      io.out(`McNemar p = ${r.mcnemarP.toPrecision(4)}${r.mcnemarP < 0.05 ? ' (significant at 0.05)' : ''}`);
      for (const c of r.classes) {
        const x = r.perClass[c]!;
        io.out(`  ${c.padEnd(16)} recall A ${x.a.recall.toFixed(3)} B ${x.b.recall.toFixed(3)}  f1 A ${x.a.f1.toFixed(3)} B ${x.b.f1.toFixed(3)}`);
      }
      return 0;
    });
  },
};

register(compareCommand);
