// Label review (finding mislabeled images): scan, list, decide, undo.
export { scanSuspects, type ScanOptions, type ScanResult } from './scan';
export { listSuspects, decideSuspect, acceptSuspects, undoDecision, suspectsStatus, ReviewError, type DecideInput } from './review';
