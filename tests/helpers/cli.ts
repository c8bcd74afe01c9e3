// Runs the real `paddy` CLI (bin/paddy.mjs under this Node) as a child process and collects what it printed.
import { spawn } from 'node:child_process';
import { BIN } from './root';

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

export function paddy(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd, env: opts.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
