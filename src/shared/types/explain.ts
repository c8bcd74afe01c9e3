// Grad-CAM heat maps (issue #13, saliency).
// Pure data: no imports from Node, Electron or the DOM, so any side can use them (src/shared/types.ts re-exports all).

/** A heat map at the model's input resolution: row-major, ≥ 0, max 1 (all 0 when nothing speaks for the class). */
export interface Heatmap {
  width: number;
  height: number;
  values: number[];
}

/** One image explained by a run (runs.explain, `paddy explain`). */
export interface ExplainResult {
  /** The file (or, for an upload, the name the user gave it). */
  path: string;
  /** The library image explained, when asked by id. */
  imageId?: number;
  predicted: string | null;
  probabilities: Record<string, number>;
  /** The class the heat map is for: the predicted one unless one was picked. */
  class: string | null;
  heatmap: Heatmap | null;
  /** What kept this image from being explained (the others still are). */
  error?: string;
  /** Served from the heat map cache (<library>/cache/heatmaps/). */
  cached?: boolean;
}
