import * as wasm from '@tensorflow/tfjs-backend-wasm';
export = wasm;
