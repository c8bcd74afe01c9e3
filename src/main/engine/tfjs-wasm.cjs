// The tfjs wasm backend, loaded the cheap way (require-without-maps.cjs says why).
'use strict';
const requireWithoutMaps = require('./require-without-maps.cjs');
module.exports = requireWithoutMaps('@tensorflow/tfjs-backend-wasm');
