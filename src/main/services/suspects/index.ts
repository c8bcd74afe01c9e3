// Label review (finding mislabeled images): scan, list, decide.
export { scanSuspects, type ScanOptions, type ScanResult } from './scan';
export { listSuspects, decideSuspect, ReviewError, type DecideInput } from './review';
