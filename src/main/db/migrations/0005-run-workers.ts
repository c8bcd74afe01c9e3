import type { Migration } from '../migrate';

// Which process is training a run (pid + host name), so opening the library from another process (a second
// CLI, the app while the CLI trains) can tell a run that is alive from one a killed worker left 'running'.
export const m0005: Migration = {
  version: 5,
  name: 'run-workers',
  up: `
    ALTER TABLE runs ADD COLUMN worker_pid INTEGER;
    ALTER TABLE runs ADD COLUMN worker_host TEXT;
  `,
};
