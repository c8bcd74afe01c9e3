// The tfjs wasm backend loaded through require, for the reason tfjs.cjs gives (no export lexing, no .map parsing).
'use strict';
const maps = process.sourceMapsEnabled;
if (maps) process.setSourceMapsEnabled(false);
let wasm;
try {
  wasm = require('@tensorflow/tfjs-backend-wasm');
} finally {
  if (maps) process.setSourceMapsEnabled(true);
}
module.exports = wasm;
