// @tensorflow/tfjs loaded through require, for every module of Paddy (`import tf from '…/engine/tfjs.cjs'`).
// Importing tfjs's CommonJS bundles from an ES module makes Node lex ~10 MB of JavaScript for named exports, and
// with source maps on (tsx turns them on) read and parse ~17 MB of .map files: together ~1 s of CPU in every
// process that loads tfjs (each CLI command, worker and test file). Through require there is no lexing, and the
// maps of tfjs's own bundles are skipped (stack traces into tfjs show its bundle's lines; Paddy's keep theirs).
'use strict';
const maps = process.sourceMapsEnabled;
if (maps) process.setSourceMapsEnabled(false);
let tf;
try {
  tf = require('@tensorflow/tfjs');
} finally {
  if (maps) process.setSourceMapsEnabled(true);
}
module.exports = tf;
