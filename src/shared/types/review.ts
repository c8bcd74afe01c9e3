// The label review (suspects).
// Pure data: no imports from Node, Electron or the DOM, so any side can use them (src/shared/types.ts re-exports all).

export interface Suspect {
  imageId: number;
  path: string;
  label: string;
  suggested: string;
  score: number;
  probabilities: Record<string, number>;
  kind: 'label' | 'near-duplicate';
}

/** The review queue's state: whether a scan exists yet, and how many suspects are open and decided. */
export interface SuspectsStatus {
  scan: { finishedAt: string; scanned: number; seconds: number } | null;
  open: number;
  decided: number;
}

/** A review decision taken back: its images are in the queue again, labels as before the decision. */
export interface SuspectUndoResult {
  imageIds: number[];
  decision: 'keep' | 'accept' | 'relabel' | null;
  /** Labels put back (0 for a keep). */
  changed: number;
}

export interface SuspectScan {
  scanned: number;
  suspects: Suspect[];
  seconds: number;
}
