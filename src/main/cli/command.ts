// What a CLI command is: a name, its options (node:util parseArgs format), and a run function that gets a
// ready CliContext. Commands call the same handlers as the app (src/main/api), never a second implementation.
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** True when stdout is a terminal and --json was not given: draw progress bars. */
  interactive: boolean;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Returns the process exit code. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** The user stopped the command (Ctrl-C) and it stopped cleanly: printed as one line, exit code 130 (128 + SIGINT). */
export class CancelledError extends Error {}

export function num(args: ParsedArgs, key: string, fallback?: number): number | undefined {
  const v = args.values[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${key} must be a number (got "${String(v)}")`);
  return n;
}

export function str(args: ParsedArgs, key: string): string | undefined {
  const v = args.values[key];
  return typeof v === 'string' ? v : undefined;
}
