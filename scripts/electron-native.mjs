#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .paddy-native/ WITHOUT touching node_modules, so the CLI and
// the tests (plain Node) and the desktop app (Electron) can share one install. The Electron main passes the
// result to better-sqlite3 as `nativeBinding` (see src/main/electron/native.ts). sharp, onnxruntime-node and
// tfjs-node are N-API modules and need no rebuild. Runs before `npm start`; a no-op when already built or when
// the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(path.join(root, 'package.json'));

export function electronBindingPath(version, platform = process.platform, arch = process.arch) {
  return path.join(root, '.paddy-native', `electron-${version}-${platform}-${arch}`, 'better_sqlite3.node');
}

function main() {
  let version;
  try {
    version = require('electron/package.json').version;
  } catch {
    console.log('electron-native: electron is not installed; nothing to build');
    return;
  }
  const electronDir = path.dirname(require.resolve('electron/package.json'));
  if (!fs.existsSync(path.join(electronDir, 'path.txt'))) {
    console.log('electron-native: no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD?); skipping');
    return;
  }
  const target = electronBindingPath(version);
  if (fs.existsSync(target)) return;
  const src = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'paddy-sqlite-electron-'));
  for (const entry of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) {
    if (fs.existsSync(path.join(src, entry))) fs.cpSync(path.join(src, entry), path.join(work, entry), { recursive: true });
  }
  const bin = (name) => require.resolve(name);
  const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: version };
  console.log(`electron-native: building better-sqlite3 for Electron ${version} (${process.platform}-${process.arch})…`);
  try {
    // Prebuilt binaries first (fast), then a source build against Electron's headers.
    execFileSync(process.execPath, [bin('prebuild-install/bin.js'), '--runtime', 'electron', '--target', version, '--arch', process.arch], {
      cwd: work,
      env,
      stdio: 'inherit',
    });
  } catch {
    execFileSync(
      process.execPath,
      [bin('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${version}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'],
      { cwd: work, env, stdio: 'inherit' },
    );
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`electron-native: ${path.relative(root, target)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
