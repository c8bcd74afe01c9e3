import type { Migration } from '../migrate';
import { m0001 } from './0001-init';
import { m0002 } from './0002-runs';
import { m0003 } from './0003-suspects';
import { m0004 } from './0004-browse';
import { m0005 } from './0005-run-workers';
import { m0006 } from './0006-run-engine';
import { m0007 } from './0007-source-state';
import { m0008 } from './0008-import-owner';
import { m0009 } from './0009-library-predictions';
import { m0010 } from './0010-run-names-review-order';
// Calibration (issue 13): a run's temperature and calibration summary.
import { m0011 } from './0011-run-calibration';
// Unlabeled images, pre-labels (issue 14).
import { m0012 } from './0012-unlabeled';

/** Append-only list: add `NNNN-name.ts` and its test, then list it here. */
export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0012];
