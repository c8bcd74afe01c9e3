// Core domain types: splits, label origins, backends, classes, the library, settings and system info.
// Pure data: no imports from Node, Electron or the DOM, so any side can use them (src/shared/types.ts re-exports all).

export type Split = 'train' | 'val' | 'test';

export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

/** Where an image's current label came from. */
export type LabelOrigin = 'folder' | 'manual' | 'suggestion';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface ClassInfo {
  id: number;
  name: string;
  count: number;
  perSplit: Record<Split, number>;
}

export interface LibraryInfo {
  path: string;
  imageCount: number;
  classes: ClassInfo[];
  conflicts: number;
  backend: BackendName | null;
}

export interface Settings {
  backend: BackendChoice;
  weightsDir: string | null;
  /** Seed of the stratified train/val/test assignment (default 42); changing it affects only new images. */
  splitSeed?: number;
}

/** What a saved weights folder holds: the MobileNetV2 widths (alphas) whose model.json and shards are all there. */
export interface WeightsCheck {
  dir: string;
  alphas: Array<1 | 0.35>;
}

/** `settings.set`'s reply: the settings, and the check of a weights folder when one was given. */
export interface SavedSettings extends Settings {
  weights?: WeightsCheck;
}

export interface SystemInfo {
  version: string;
  backend: BackendName | null;
  availableBackends: BackendName[];
  host: 'electron' | 'web';
  platform: string;
}
