// A library is a folder: paddy.db (SQLite, WAL) plus thumbs/, cache/ and models/.
// Opening one creates what is missing, migrates the schema and repairs what a killed process left behind.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from './db/migrate';
import { MIGRATIONS } from './db/migrations';
import { repairAfterCrash } from './db/repairs';

export interface LibraryPaths {
  root: string;
  db: string;
  thumbs: string;
  cache: string;
  models: string;
}

export interface Library {
  dir: string;
  db: Database.Database;
  paths: LibraryPaths;
  close(): void;
}

export class LibraryError extends Error {}

export function libraryPaths(dir: string): LibraryPaths {
  const root = path.resolve(dir);
  return {
    root,
    db: path.join(root, 'paddy.db'),
    thumbs: path.join(root, 'thumbs'),
    cache: path.join(root, 'cache'),
    models: path.join(root, 'models'),
  };
}

/** Electron's userData for an app named "Paddy", computed without Electron so the CLI agrees with the app. */
export function userDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Paddy');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Paddy');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Paddy');
}

/** `--library DIR`, else `$PADDY_LIBRARY`, else `<userData>/library` (the app's default). */
export function defaultLibraryDir(): string {
  return process.env.PADDY_LIBRARY ? path.resolve(process.env.PADDY_LIBRARY) : path.join(userDataDir(), 'library');
}

export function openLibrary(dir: string = defaultLibraryDir()): Library {
  const paths = libraryPaths(dir);
  try {
    for (const d of [paths.root, paths.thumbs, paths.cache, paths.models]) fs.mkdirSync(d, { recursive: true });
    fs.accessSync(paths.root, fs.constants.W_OK);
  } catch (e) {
    throw new LibraryError(`library folder ${paths.root} is not writable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let db: Database.Database;
  try {
    // Under Electron in development the binding built for Electron's ABI is passed in (src/main/electron/native.ts).
    const nativeBinding = process.env.PADDY_SQLITE_BINDING;
    db = new Database(paths.db, nativeBinding ? { nativeBinding } : {});
  } catch (e) {
    throw new LibraryError(`cannot open ${paths.db}: ${(e as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // WAL + NORMAL is durable across process kills (only an OS crash can lose the last commits).
    db.pragma('synchronous = NORMAL');
    migrate(db, MIGRATIONS);
    repairAfterCrash(db);
  } catch (e) {
    db.close();
    throw new LibraryError(`cannot open library ${paths.root}: ${(e as Error).message}`);
  }
  return { dir: paths.root, db, paths, close: () => db.close() };
}
