// `paddy <command> [options]`: parses arguments, runs one command, prints errors as one readable line
// (a stack trace only with --debug), and exits with the command's code. Everything it prints goes through
// terminal.ts: names are data and may hold terminal controls.
import { parseArgs } from 'node:util';
import { CancelledError, UsageError, type Command } from './command';
import { commands } from './commands/index';
import { forJson, forTerminal } from './terminal';
import './commands/all';

const say = (line: string): void => void process.stdout.write(`${forTerminal(line)}\n`);
const warn = (line: string): void => void process.stderr.write(`${forTerminal(line)}\n`);

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
    say(help());
    return name ? 0 : 2;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd) {
    warn(`paddy: unknown command "${name}" (try: ${commands.map((c) => c.name).join(', ')})`);
    return 2;
  }
  try {
    const parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...cmd.options }, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      say(`Usage: ${cmd.usage}\n\n${cmd.summary}`);
      return 0;
    }
    const json = Boolean(parsed.values.json);
    return await cmd.run(parsed as never, {
      // --json output is JSON text: escaped so that it stays the same JSON; the rest is for people.
      out: (l) => (json ? process.stdout.write(`${forJson(l)}\n`) : say(l)),
      err: warn,
      interactive: !json && Boolean(process.stderr.isTTY),
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (debug) warn(String(err.stack ?? err));
    else if (err.code?.startsWith('ERR_PARSE_ARGS')) warn(`paddy ${name}: ${err.message} (usage: ${cmd.usage})`);
    else warn(`paddy ${name}: ${err.message}`);
    if (e instanceof CancelledError) return 130;
    return e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
