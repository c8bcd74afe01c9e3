// `paddy demo`: generates the built-in synthetic five-class sample in the library and imports it.
import type { Command } from '../command';
import { call, withLibrary } from '../call';
import { printImportReport, withProgress } from './import';
import { register } from './index';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Import a small built-in sample (synthetic grains, five classes) to try Paddy without your own images',
  usage: 'paddy demo [--library DIR] [--json]',
  options: {},
  async run(args, io) {
    return withLibrary(args, async (ctx) => {
      const report = await withProgress(ctx, io, 'Importing sample', () => call(ctx, 'import.demo', {}));
      printImportReport(report, io, Boolean(args.values.json));
      return 0;
    }, { create: true });
  },
};

register(demoCommand);
