// The embedding map and similar images (issue #13).
// Pure data: no imports from Node, Electron or the DOM, so any side can use them (src/shared/types.ts re-exports all).

/** Where the map's vectors come from: the cached MobileNetV2 features or a completed run's penultimate layer. */
export type MapSource = 'features' | `run:${string}`;

export interface MapPoint {
  imageId: number;
  x: number;
  y: number;
}

/** A 2-D map of the library (map.compute / map.get, `paddy map`), cached per library state. */
export interface EmbeddingMap {
  points: MapPoint[];
  source: MapSource;
  method: string;
  params: Record<string, number | null>;
  /** Seconds per phase of the computation (features, pca, neighbours, layout). */
  seconds: Record<string, number>;
  createdAt: string;
}

/** What a map point can be coloured by (map.points); null where it does not apply. */
export interface MapPointInfo {
  imageId: number;
  label: string | null;
  predicted: string | null;
  split: 'train' | 'val' | 'test' | null;
  correct: boolean | null;
  suspectScore: number | null;
}

export interface MapPointsResult {
  points: MapPointInfo[];
  classes: string[];
  /** The run whose predictions colour "predicted" and "correctness": the one asked for, else the default run. */
  runId: string | null;
}

export interface SimilarNeighbour {
  imageId: number;
  path: string;
  label: string | null;
  /** Cosine distance (1 − cosine similarity) of the feature vectors. */
  distance: number;
}

export interface SimilarResult {
  path: string;
  /** The library image queried, when the query is one. */
  imageId: number | null;
  neighbours: SimilarNeighbour[];
  /** What kept this file from being answered (the others still are). */
  error?: string;
}

/** What the `similar.index` job built (or found kept): rows, their dims (128 when PCA-reduced), the seconds it took. */
export interface SimilarIndexInfo {
  rows: number;
  dims: number;
  reduced: boolean;
  /** Readable images without cached features (not in the index). */
  missing: number;
  seconds: number;
}
