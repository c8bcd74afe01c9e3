// `paddy serve` as a real process: the token can come from $PADDY_TOKEN or --token-file, so it never appears in
// the process's arguments (which `ps` shows to every user), and the host it prints requires exactly that token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT } from '../../helpers/root';
import { tempDir } from '../../helpers/tmp';

interface Served {
  child: ChildProcess;
  url: URL;
  stop(): Promise<number | null>;
}

function env(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PADDY_LIBRARY: '', ...extra };
  for (const [k, v] of Object.entries(e)) if (v === undefined) delete e[k];
  return e;
}

/** Starts `paddy serve` and waits for its "Open: URL" line. */
function serve(args: string[], extraEnv: Record<string, string | undefined>): Promise<Served> {
  const library = path.join(tempDir('paddy-serve-cli-'), 'lib');
  const child = spawn(process.execPath, [BIN, 'serve', '--library', library, '--port', '0', ...args], { cwd: ROOT, env: env(extraEnv) });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open: (\S+)/.exec(out);
      if (m) {
        resolve({
          child,
          url: new URL(m[1]!),
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`paddy serve exited (${code}) before printing its URL: ${out}${err}`)));
  });
}

/** Runs `paddy serve` expecting it to refuse to start; returns exit code and stderr. */
function refused(args: string[], extraEnv: Record<string, string | undefined>): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--library', path.join(tempDir(), 'lib'), '--port', '0', ...args], { cwd: ROOT, env: env(extraEnv) });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, err });
    }),
  );
}

const info = (url: URL, token: string | null) =>
  fetch(new URL('/api/library.info', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: '{}',
  });

/** What `ps` would show for the process: its full argument vector. */
const commandLine = (pid: number): string => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');

test('the token from $PADDY_TOKEN: printed with the URL, required by the host, absent from the command line', async () => {
  const TOKEN = 'env-token-0123456789';
  const s = await serve([], { PADDY_TOKEN: TOKEN });
  try {
    assert.equal(s.url.hostname, '127.0.0.1');
    assert.equal(s.url.searchParams.get('token'), TOKEN);
    assert.equal((await info(s.url, null)).status, 401);
    assert.equal((await info(s.url, 'wrong-token-0123456789')).status, 401);
    const ok = await info(s.url, TOKEN);
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { ok: boolean }).ok, true);
    if (fs.existsSync(`/proc/${s.child.pid}/cmdline`)) assert.ok(!commandLine(s.child.pid!).includes(TOKEN), commandLine(s.child.pid!));
  } finally {
    assert.equal(await s.stop(), 0, 'Ctrl-C / SIGTERM stops the host cleanly');
  }
});

test('--token-file wins over $PADDY_TOKEN; the file\'s trailing newline is not part of the token', async () => {
  const file = path.join(tempDir('paddy-token-'), 'token');
  fs.writeFileSync(file, 'file-token-abcdefghij\n', { mode: 0o600 });
  const s = await serve(['--token-file', file], { PADDY_TOKEN: 'env-token-0123456789' });
  try {
    assert.equal(s.url.searchParams.get('token'), 'file-token-abcdefghij');
    assert.equal((await info(s.url, 'env-token-0123456789')).status, 401);
    assert.equal((await info(s.url, 'file-token-abcdefghij')).status, 200);
  } finally {
    await s.stop();
  }
});

test('--token still works (visible in ps, documented as such)', async () => {
  const given = await serve(['--token', 'argv-token-0123456789'], { PADDY_TOKEN: undefined });
  try {
    assert.equal((await info(given.url, 'argv-token-0123456789')).status, 200);
  } finally {
    await given.stop();
  }
});

test('an unreadable token file, a short token, or --token with --token-file are usage errors (exit 2)', async () => {
  const file = path.join(tempDir(), 'token');
  fs.writeFileSync(file, 'file-token-abcdefghij');
  const [missing, short, both] = await Promise.all([
    refused(['--token-file', path.join(tempDir(), 'nope')], {}),
    refused([], { PADDY_TOKEN: 'short' }),
    refused(['--token', 'argv-token-0123456789', '--token-file', file], {}),
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--token-file: cannot read .*nope \(ENOENT\)/);
  assert.equal(short.code, 2);
  assert.match(short.err, /\$PADDY_TOKEN: the token must be at least 8 characters/);
  assert.equal(both.code, 2);
  assert.match(both.err, /not both/);
});
