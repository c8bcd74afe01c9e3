// Domain types shared by every layer (renderer, preload, main, web host, CLI, training worker), one file per domain
// in types/. Pure data: no imports from Node, Electron or the DOM, so any side can use them.
export * from './types/core';
export * from './types/library';
export * from './types/browse';
export * from './types/runs';
export * from './types/review';
export * from './types/calibration';
export * from './types/unlabeled';
export * from './types/explain';
export * from './types/map';
