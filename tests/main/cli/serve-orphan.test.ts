// Killing the npm process that runs `npm run serve` / `npx paddy serve` must not leave the studio serving as an
// orphan: npm does not pass the signal on to its grandchild (npm → sh → node), so the CLI watches npm itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/root';
import { tempDir } from '../../helpers/tmp';
import { openLibrary } from '../../../src/main/library';

/** Pids of the node processes whose command line runs paddy serve on `libDir`. */
function servers(libDir: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.endsWith('paddy.mjs')) && cmd.includes('serve') && cmd.includes(libDir)) out.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('killing npm that runs `npm run serve` stops the server it started', { skip: !fs.existsSync('/proc/self/cmdline') && 'needs /proc', timeout: 120_000 }, async () => {
  const libDir = path.join(tempDir('serve-orphan'), 'lib');
  openLibrary(libDir, { create: true }).close();
  const npm = spawn('npm', ['run', '-s', 'serve', '--', '--library', libDir, '--port', '0', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    let out = '';
    npm.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 90_000;
    while (!out.includes('"url"') && Date.now() < deadline && npm.exitCode === null) await new Promise((r) => setTimeout(r, 200));
    assert.match(out, /"url":"http:\/\/127\.0\.0\.1:\d+\//, 'the server started');
    const [server] = servers(libDir);
    assert.ok(server, 'the node process serving the library is found');
    assert.notEqual(server, npm.pid, 'npm runs paddy as a child of its own, not in its own process');
    npm.kill('SIGKILL'); // npm alone, the way a supervisor or `kill -9 <npx pid>` stops it
    const gone = Date.now() + 15_000;
    while (alive(server) && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
    assert.equal(alive(server), false, 'the server stopped within 15 s of npm being killed');
  } finally {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    for (const pid of servers(libDir)) process.kill(pid, 'SIGKILL');
  }
});
