// `paddy <command> [options]`: parses arguments, runs one command, prints errors as one readable line
// (a stack trace only with --debug), and exits with the command's code.
import { parseArgs } from 'node:util';
import { CancelledError, UsageError, type Command } from './command';
import { commands } from './commands/index';
import './commands/all';

const GLOBAL_OPTIONS = {
  library: { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function help(): string {
  const lines = ['Paddy: label images and train image classifiers, offline.', '', 'Usage: paddy <command> [options]', ''];
  for (const c of commands) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Global options: --library DIR (default $PADDY_LIBRARY, else the app\'s library), --json, --debug');
  lines.push('Run `paddy <command> --help` for a command\'s options.');
  return lines.join('\n');
}

async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const debug = argv.includes('--debug');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`paddy: unknown command "${name}" (try: ${commands.map((c) => c.name).join(', ')})`);
    return 2;
  }
  try {
    const parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...cmd.options }, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      console.log(`Usage: ${cmd.usage}\n\n${cmd.summary}`);
      return 0;
    }
    const json = Boolean(parsed.values.json);
    return await cmd.run(parsed as never, {
      out: (l) => process.stdout.write(`${l}\n`),
      err: (l) => process.stderr.write(`${l}\n`),
      interactive: !json && Boolean(process.stderr.isTTY),
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (debug) console.error(err.stack ?? err);
    else if (err.code?.startsWith('ERR_PARSE_ARGS')) console.error(`paddy ${name}: ${err.message} (usage: ${cmd.usage})`);
    else console.error(`paddy ${name}: ${err.message}`);
    if (e instanceof CancelledError) return 130;
    return e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
