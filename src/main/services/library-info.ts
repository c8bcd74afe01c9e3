// What the app shows about the open library: where it is, its classes with counts, conflicts.
import type { LibraryInfo } from '../../shared/types';
import type { Library } from '../library';
import { countConflicts, countImages } from '../repos/images.repo';
import { classInfos } from './stats';

/** `backend` is null here: the training side knows which backend runs and fills it in. */
export function libraryInfo(lib: Library): LibraryInfo {
  return {
    path: lib.dir,
    imageCount: countImages(lib.db),
    classes: classInfos(lib.db),
    conflicts: countConflicts(lib.db),
    backend: null,
  };
}
