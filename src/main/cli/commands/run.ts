// `paddy run ID`: one run's name, note and default-model mark — set them, or print the run as it now stands.
// `--default` marks the run Predict and Browse start from; `--no-default` removes the mark (then the completed
// run with the best validation accuracy is the default).
import { call, withWorkers } from '../call';
import { register } from './index';
import { str, UsageError, type Command } from '../command';

export const runCommand: Command = {
  name: 'run',
  summary: "Name, annotate or mark a run as the default model (Predict and Browse start from it)",
  usage: 'paddy run RUN_ID [--name TEXT] [--note TEXT] [--default | --no-default] [--json]',
  options: { name: { type: 'string' }, note: { type: 'string' }, default: { type: 'boolean' }, 'no-default': { type: 'boolean' } },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError(`run needs exactly one run id (got ${args.positionals.length})`);
    if (args.values.default && args.values['no-default']) throw new UsageError('--default and --no-default contradict each other');
    const runId = args.positionals[0]!;
    const name = str(args, 'name');
    const note = str(args, 'note');
    return withWorkers(args, async (ctx) => {
      if (name !== undefined || note !== undefined) {
        await call(ctx, 'runs.update', { runId, ...(name !== undefined ? { name } : {}), ...(note !== undefined ? { note } : {}) });
      }
      if (args.values.default) await call(ctx, 'runs.setDefault', { runId });
      else if (args.values['no-default']) {
        if ((await call(ctx, 'runs.get', { runId })).marked) await call(ctx, 'runs.setDefault', { runId: null });
      }
      const r = await call(ctx, 'runs.get', { runId });
      if (args.values.json) {
        const { id, name: n, note: t, marked, isDefault, bestValAccuracy, status, testAccuracy } = r;
        io.out(JSON.stringify({ id, name: n, note: t, marked, isDefault, bestValAccuracy, status, testAccuracy }));
        return 0;
      }
      io.out(`${r.id}${r.name ? `  "${r.name}"` : ''}  ${r.status}${r.isDefault ? (r.marked ? '  default model (marked)' : '  default model (best val accuracy)') : ''}`);
      if (r.note) io.out(`  note: ${r.note}`);
      return 0;
    });
  },
};

register(runCommand);
