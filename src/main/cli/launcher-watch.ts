// `npx paddy serve` / `npm run serve` run Paddy as a grandchild of npm (npm → sh → node). Killing npm (kill PID,
// a terminal closing it, a supervisor stopping it) does not reach the grandchild, which would go on serving with
// nobody to stop it. When npm launched us, watch that npm process and stop when it is gone. Started directly
// (`node bin/paddy.mjs serve`, or under nohup), nothing is watched: outliving the shell is then what was asked.
import fs from 'node:fs';
import { processAlive } from '../util/process-alive';

/** The pid of the npm process that launched this one, or null when npm did not launch it. */
export function npmLauncherPid(): number | null {
  if (!process.env.npm_command) return null;
  // Linux: walk up the process tree to the first npm process (its cmdline starts with "npm" or runs npm-cli.js).
  let pid = process.ppid;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    let stat: string, cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      // No /proc (macOS, Windows): the parent is the best guess — npm spawns the bin through a shell or directly.
      return process.ppid > 1 ? process.ppid : null;
    }
    if (/^npm\b|npm-cli\.js|npx-cli\.js|^npx\b|npm exec|npm run/.test(cmdline)) return pid;
    // Field 4 of /proc/PID/stat is the parent pid (after the parenthesised command name, which may hold spaces).
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return null;
}

/** Calls `onGone` once when the npm process that launched us exits. Returns a function that stops watching. */
export function watchLauncher(onGone: () => void, everyMs = 1000): () => void {
  const pid = npmLauncherPid();
  if (pid === null) return () => undefined;
  const timer = setInterval(() => {
    if (processAlive(pid) && process.ppid !== 1) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
