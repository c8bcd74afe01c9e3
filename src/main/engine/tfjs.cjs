// @tensorflow/tfjs for every module of Paddy (`import tf from '…/engine/tfjs.cjs'`), loaded the cheap way
// (require-without-maps.cjs says why).
'use strict';
const requireWithoutMaps = require('./require-without-maps.cjs');
module.exports = requireWithoutMaps('@tensorflow/tfjs');
