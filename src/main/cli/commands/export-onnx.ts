// `paddy export-onnx --run ID OUT.onnx`: a trained run's model as a standalone ONNX file (raw RGB in,
// class probabilities out, class names in the metadata).
import { exportRunOnnx, VIEWS_NOTE } from '../../engine/onnx/export/export-run';
import { withLibrary } from '../call';
import { str, UsageError, type Command } from '../command';
import { register } from './index';

export const exportOnnxCommand: Command = {
  name: 'export-onnx',
  summary: "Write a trained run's model as a standalone .onnx (raw RGB 0-255 in, class probabilities out)",
  usage: 'paddy export-onnx --run ID <out.onnx> [--weights DIR] [--library DIR] [--json]',
  options: { run: { type: 'string' }, weights: { type: 'string' } },
  async run(args, io) {
    const runId = str(args, 'run');
    const [out, ...extra] = args.positionals;
    if (!runId) throw new UsageError('name the run: paddy export-onnx --run ID <out.onnx>');
    if (!out || extra.length) throw new UsageError('give one output file: paddy export-onnx --run ID <out.onnx>');
    return withLibrary(args, async (ctx) => {
      const r = await exportRunOnnx(ctx.library(), runId, out, { weightsDir: str(args, 'weights') ?? null });
      if (args.values.json) io.out(JSON.stringify(r));
      else {
        io.out(`Wrote ${r.file} (${(r.bytes / 1e6).toFixed(1)} MB): ${r.model} run ${runId}, ${r.classes.length} classes ${r.classes.join(', ')}`);
        io.out(`  input  "${r.input.name}" [${r.input.shape.join(', ')}] ${r.input.format}`);
        io.out(`  output "${r.output.name}" [${r.output.shape.join(', ')}] class probabilities, in the order above`);
        if (r.views > 1) io.out(`  views: ${VIEWS_NOTE}`);
        if (r.shapeInput) io.out(`  input  "${r.shapeInput.name}" [${r.shapeInput.shape.join(', ')}]: ${r.shapeInput.note}`);
        if (!r.verified) io.out('  (not test-loaded: onnxruntime-node is not available here)');
      }
      return 0;
    });
  },
};

register(exportOnnxCommand);
