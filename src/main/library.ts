// A library is a folder: paddy.db (SQLite, WAL) plus thumbs/, cache/, models/ and backups/.
// Opening one checks it is whole, backs it up (before a migration, and once a day), migrates the schema and
// repairs what a killed process left behind. A library is only created when asked ({ create: true }): opening
// a folder that is not one, or one whose paddy.db is gone, must never quietly make a new empty library there.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backupIfDue, backupLibrary, backupsDir, listBackups } from './db/backup';
import { checkDatabase } from './db/integrity';
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

export interface OpenOptions {
  /** Make a new library when the folder holds none (the user asked for one there). Never replaces a lost paddy.db. */
  create?: boolean;
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

/** The app's own library, `<userData>/library`: created on first use wherever it is opened from. */
export function appLibraryDir(): string {
  return path.join(userDataDir(), 'library');
}

/** `--library DIR`, else `$PADDY_LIBRARY`, else `<userData>/library` (the app's default). */
export function defaultLibraryDir(): string {
  return process.env.PADDY_LIBRARY ? path.resolve(process.env.PADDY_LIBRARY) : appLibraryDir();
}

// Kernel pseudo-filesystems: files there are not storage, and a recursive mkdir under /proc/self spins forever.
const PSEUDO_PREFIXES = ['/proc', '/sys', '/dev'];
const PSEUDO_FS_TYPES = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x1cd1, // devpts
  0x64626720, // debugfs
  0x74726163, // tracefs
  0x73636673, // securityfs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0xcafe4a11, // bpf
  0x62656570, // configfs
  0x6165676d, // pstore
  0xde5e81e4, // efivarfs
  0x42494e4d, // binfmt_misc
]);

function underPseudoPrefix(p: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  return PSEUDO_PREFIXES.find((pre) => p === pre || p.startsWith(`${pre}/`));
}

/** Refuses, fast and before anything is created, a place that cannot hold a library. */
export function checkPlace(root: string): void {
  const refuse = (why: string): never => {
    throw new LibraryError(`cannot use ${root} for a library: ${why}`);
  };
  // Worded as a folder that cannot be written: the error code is what scripts match on.
  const notAFolder = (file: string): never => {
    throw new LibraryError(`library folder ${root} cannot be made (${file} is a file, not a folder), so it is not writable: ENOTDIR`);
  };
  const pre = underPseudoPrefix(root);
  if (pre) refuse(`${pre} is a system folder (a pseudo-filesystem of the operating system, not a disk); choose a folder of your own`);
  // The nearest part of the path that exists decides: it must be a folder, on a real filesystem.
  let existing = root;
  let st: fs.Stats | undefined;
  for (;;) {
    try {
      st = fs.statSync(existing);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') {
        // Which part: the nearest existing ancestor is the file.
        let up = path.dirname(existing);
        while (!fs.existsSync(up)) up = path.dirname(up);
        notAFolder(up);
      }
      if (code !== 'ENOENT') refuse(`${existing} cannot be read (${code ?? (e as Error).message})`);
      const up = path.dirname(existing);
      if (up === existing) refuse('no part of the path exists');
      existing = up;
    }
  }
  if (!st.isDirectory()) notAFolder(existing);
  const real = fs.realpathSync(existing);
  const realPre = underPseudoPrefix(real);
  if (realPre) refuse(`it leads to ${real}, a system folder (a pseudo-filesystem, not a disk); choose a folder of your own`);
  if (typeof fs.statfsSync === 'function') {
    let type: number | undefined;
    try {
      type = Number(fs.statfsSync(existing).type);
    } catch {
      type = undefined; // no answer is not a refusal: creating the folder will say what is wrong
    }
    if (type !== undefined && PSEUDO_FS_TYPES.has(type)) refuse(`it is on a pseudo-filesystem (type 0x${type.toString(16)}), not a disk`);
  }
}

function fileSize(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

/** What a library leaves besides paddy.db: when any of it is there, a missing paddy.db was lost, not never made. */
function leftovers(paths: LibraryPaths): string[] {
  const names = [paths.thumbs, paths.cache, paths.models, backupsDir(paths.root), `${paths.db}-wal`];
  return names.filter((p) => fs.existsSync(p)).map((p) => path.basename(p));
}

function vanishedError(paths: LibraryPaths, size: number | null, left: string[]): LibraryError {
  const backups = listBackups(paths.root);
  const restore = backups.length
    ? `restore the newest backup (copy ${backups[0]} to ${paths.db}, or run \`paddy doctor --library ${paths.root} --recover\`)`
    : `restore paddy.db from your own backup (there is nothing in ${backupsDir(paths.root)}), or run \`paddy doctor --library ${paths.root}\``;
  return new LibraryError(
    `${paths.db} is ${size === null ? 'missing' : 'empty (0 bytes)'}, but ${left.join(', ')} of the library ${paths.root} are still there: ` +
      `the database was lost. Nothing was changed. To get it back, ${restore}. ` +
      `To start over instead, move this folder away and create a new library.`,
  );
}

function openDatabase(file: string, mustExist: boolean): Database.Database {
  // Under Electron in development the binding built for Electron's ABI is passed in (src/main/electron/native.ts).
  const nativeBinding = process.env.PADDY_SQLITE_BINDING;
  try {
    return new Database(file, { fileMustExist: mustExist, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (e) {
    throw new LibraryError(`cannot open ${file}: ${(e as Error).message}`);
  }
}

// paddy.db is made before the folders beside it: a kill in between must not leave folders without a database,
// which the next open would take for a library that lost its paddy.db.
function ensureFolders(paths: LibraryPaths, which: 'root' | 'parts'): void {
  try {
    if (which === 'root') {
      fs.mkdirSync(paths.root, { recursive: true });
      fs.accessSync(paths.root, fs.constants.W_OK);
    } else for (const d of [paths.thumbs, paths.cache, paths.models]) fs.mkdirSync(d, { recursive: true });
  } catch (e) {
    throw new LibraryError(`library folder ${paths.root} is not writable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Opens the library in `dir`. A folder without a library is refused unless `opts.create`; a library whose
 * paddy.db vanished or is damaged is always refused, with what to do, and nothing is written to it.
 */
export function openLibrary(dir: string = defaultLibraryDir(), opts: OpenOptions = {}): Library {
  const paths = libraryPaths(dir);
  checkPlace(paths.root);
  const size = fileSize(paths.db);
  const exists = size !== null && size > 0;
  if (!exists) {
    const left = leftovers(paths);
    if (left.length) throw vanishedError(paths, size, left);
    if (!opts.create) {
      throw new LibraryError(
        `${paths.root} is not a Paddy library (it has no paddy.db). To make a new library there, create it: ` +
          `"Create library here" in the app, or \`paddy import <folder> --library ${paths.root}\`.`,
      );
    }
  } else {
    // Before any write connection: a writer's checkpoint on close would write into a damaged file.
    const problems = checkDatabase(paths.db);
    if (problems.length) {
      throw new LibraryError(
        `${paths.db} is damaged (${problems.slice(0, 3).join('; ')}): run \`paddy doctor --library ${paths.root}\` to recover ` +
          `into a new file; the damaged file is kept. Nothing was written to it.`,
      );
    }
  }
  ensureFolders(paths, 'root');
  const db = openDatabase(paths.db, exists);
  try {
    // The busy timeout first: switching to WAL needs a lock that another process may hold for a moment.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // WAL + NORMAL is durable across process kills (only an OS crash can lose the last commits).
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > 0 && version < MIGRATIONS.length) {
      try {
        backupLibrary(db, paths.root);
      } catch (e) {
        throw new Error(`could not back up paddy.db before upgrading it, so it was left as it was: ${(e as Error).message}`);
      }
    } else if (version > 0) {
      try {
        backupIfDue(db, paths.root);
      } catch (e) {
        // A missed daily copy (disk full, say) must not lock the user out of the library; tomorrow tries again.
        console.warn(`paddy: daily backup of ${paths.db} failed: ${(e as Error).message}`);
      }
    }
    migrate(db, MIGRATIONS);
    repairAfterCrash(db);
    ensureFolders(paths, 'parts');
  } catch (e) {
    db.close();
    if (e instanceof LibraryError) throw e;
    throw new LibraryError(`cannot open library ${paths.root}: ${(e as Error).message}`);
  }
  return { dir: paths.root, db, paths, close: () => db.close() };
}
