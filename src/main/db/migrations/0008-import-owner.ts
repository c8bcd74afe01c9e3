import type { Migration } from '../migrate';

// Which process is running an import (pid + host name), as runs have had since 0005: another process opening
// the library (the app while the CLI imports, a training worker) must not mark a live import interrupted.
export const m0008: Migration = {
  version: 8,
  name: 'import-owner',
  up: `
    ALTER TABLE imports ADD COLUMN owner_pid INTEGER;
    ALTER TABLE imports ADD COLUMN owner_host TEXT;
  `,
};
