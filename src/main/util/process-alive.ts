// Whether a process id belongs to a live process on this machine: signal 0 tests without touching it. EPERM means
// it exists but belongs to someone else, so it counts as alive; only "no such process" means gone.
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
