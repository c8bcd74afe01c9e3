// require() with source maps off while the package loads. Paddy loads tfjs's CommonJS bundles through require
// (tfjs.cjs, tfjs-wasm.cjs): imported from ES modules, Node lexes ~10 MB of them for named exports, and with source
// maps on (tsx turns them on) it also reads and parses ~17 MB of their .map files — together ~1 s of CPU in every
// process that loads tfjs (each CLI command, worker and test file). Stack traces into tfjs then show its bundle's
// lines; Paddy's own keep their source lines.
'use strict';
module.exports = function requireWithoutMaps(name) {
  const maps = process.sourceMapsEnabled;
  if (maps) process.setSourceMapsEnabled(false);
  try {
    return require(name);
  } finally {
    if (maps) process.setSourceMapsEnabled(true);
  }
};
