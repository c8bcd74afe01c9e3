// Under Electron, better-sqlite3 needs a binary built for Electron's ABI, while the CLI and tests need the one
// built for Node. `npm start` builds the Electron one into .paddy-native/ (scripts/electron-native.mjs) and we
// point the library at it here; the training utilityProcess inherits the variable. A packaged app has its
// node_modules rebuilt by electron-builder instead, so the file is simply absent there.
import fs from 'node:fs';
import path from 'node:path';

export function useElectronSqliteBinding(appRoot: string): string | null {
  const file = path.join(
    appRoot,
    '.paddy-native',
    `electron-${process.versions.electron}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
  if (!fs.existsSync(file)) return null;
  process.env.PADDY_SQLITE_BINDING = file;
  return file;
}
