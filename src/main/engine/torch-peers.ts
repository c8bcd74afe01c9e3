// PyTorch's speed on the same work, measured in the same run as Paddy's (../shared/peers: torch_ref_cnn.py
// trains the reference CNN, torch_mnv2_features.py extracts MobileNetV2 features; each prints img/s as its
// last line). Absolute numbers drift with the machine and its load; a ratio measured side by side does not.
// A missing interpreter, a Python without torch, a failing or silent script: the number is null, with why.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type TorchWork = 'referenceCnn' | 'mobilenetFeatures';

const SCRIPTS: Record<TorchWork, string> = {
  referenceCnn: 'torch_ref_cnn.py',
  mobilenetFeatures: 'torch_mnv2_features.py',
};

/** Debian's interpreter, where `apt-get install python3-torch` puts torch; PYTHON overrides it. */
export const defaultPython = (): string => process.env.PYTHON || '/usr/bin/python3';

export interface TorchPeerOptions {
  /** The folder holding the peer scripts (../shared/peers). */
  peersDir: string;
  python?: string;
  threads: number;
  /** A script still running after this is stopped (its number is null). Default 15 minutes. */
  timeoutMs?: number;
}

export type TorchRate = { rate: number } | { rate: null; reason: string };

/** Runs one peer script with THREADS=threads and reads its img/s. */
export function torchRate(work: TorchWork, opts: TorchPeerOptions): Promise<TorchRate> {
  const python = opts.python ?? defaultPython();
  const script = path.join(opts.peersDir, SCRIPTS[work]);
  if (!fs.existsSync(script)) return Promise.resolve({ rate: null, reason: `${script} not found` });
  const timeout = opts.timeoutMs ?? 15 * 60_000;
  return new Promise((resolve) => {
    execFile(
      python,
      [script],
      { env: { ...process.env, THREADS: String(opts.threads) }, timeout, maxBuffer: 1 << 20, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') return resolve({ rate: null, reason: `no Python at ${python} (set PYTHON)` });
          const last = String(stderr).trim().split('\n').at(-1) ?? '';
          if (/No module named '?torch/.test(last)) return resolve({ rate: null, reason: `python3-torch is not installed for ${python}` });
          if (err.killed) return resolve({ rate: null, reason: `${SCRIPTS[work]} did not finish in ${Math.round(timeout / 60_000)} min` });
          return resolve({ rate: null, reason: `${SCRIPTS[work]} failed (exit ${err.code ?? err.signal}): ${last.slice(0, 200)}` });
        }
        const rate = Number(String(stdout).trim().split('\n').at(-1));
        resolve(Number.isFinite(rate) && rate > 0 ? { rate } : { rate: null, reason: `${SCRIPTS[work]} printed no img/s` });
      },
    );
  });
}

/** Paddy's rate over PyTorch's (2 decimals), null when either is missing. */
export function ratio(paddy: number | null, torch: number | null): number | null {
  if (paddy === null || torch === null || torch <= 0) return null;
  return Math.round((paddy / torch) * 100) / 100;
}
