// `paddy eval --run ID [--images DIR]`: a run's model on its test split, or on a folder-per-class tree, with its
// calibration (ECE, NLL, Brier with the run's temperature and without).
// Ctrl-C cancels the evaluation (exit 130).
import { call, withWorkers } from '../call';
import { register } from './index';
import { str, UsageError, type Command } from '../command';
import { cancellableJob } from '../job-cancel';

export const evalCommand: Command = {
  name: 'eval',
  summary: "Evaluate a run's model on its test split or on a folder of class folders",
  usage: 'paddy eval --run ID [--images DIR] [--json]',
  options: { run: { type: 'string' }, images: { type: 'string' } },
  async run(args, io) {
    const runId = str(args, 'run');
    if (!runId) throw new UsageError('--run ID is required (see `paddy runs`)');
    return withWorkers(args, async (ctx) => {
      const folder = str(args, 'images');
      const m = await cancellableJob(ctx, io, 'runs.evaluate', () => call(ctx, 'runs.evaluate', folder ? { runId, folder } : { runId }));
      if (args.values.json) {
        // Calibration: scores with the run's temperature (fitted on its val images), and without it.
        const cal = m.calibration ? { ece: m.calibration.ece, nll: m.calibration.nll, brier: m.calibration.brier, temperature: m.calibration.temperature, uncalibrated: m.calibration.uncalibrated } : {};
        io.out(JSON.stringify({ accuracy: m.accuracy, n: m.n, macroF1: m.macroF1, perClass: m.perClass, confusion: m.confusion, classes: m.classes, ...cal, ...(m.excludedMissing ? { excludedMissing: m.excludedMissing } : {}) }));
        return 0;
      }
      io.out(`accuracy ${(m.accuracy * 100).toFixed(2)}% on ${m.n} images (macro-F1 ${m.macroF1.toFixed(4)})`);
      if (m.calibration) {
        const c = m.calibration;
        const u = c.uncalibrated;
        io.out(`calibration (temperature ${c.temperature.toFixed(3)}): ECE ${c.ece.toFixed(4)} NLL ${c.nll.toFixed(4)} Brier ${c.brier.toFixed(4)} (uncalibrated: ECE ${u.ece.toFixed(4)} NLL ${u.nll.toFixed(4)} Brier ${u.brier.toFixed(4)})`);
      }
      if (m.excludedMissing) io.out(`${m.excludedMissing} test image(s) left out: source file missing or changed (paddy sources)`);
      for (const c of m.classes) {
        const p = m.perClass[c]!;
        io.out(`  ${c.padEnd(16)} precision ${p.precision.toFixed(3)} recall ${p.recall.toFixed(3)} f1 ${p.f1.toFixed(3)} (n=${p.support})`);
      }
      io.out(`confusion (rows: true, cols: predicted; ${m.classes.join(', ')}):`);
      for (const row of m.confusion) io.out(`  ${row.map((v) => String(v).padStart(6)).join('')}`);
      return 0;
    });
  },
};

register(evalCommand);
