// The one place host events become store updates: subscribed once when the app mounts.
import { getApi } from './api';
import { invalidate } from '../features/browse/browse.store';
import { onImportProgress } from '../features/library/library.store';
import { onSuspectsProgress } from '../features/suspects/suspects.store';
import { onExportProgress } from '../features/export/export.actions';
import { onTrainEvent } from '../features/train/train.store';
import { refreshLibrarySoon } from './app.store';
import { onPredictAllProgress } from '../features/browse/predict-all';
import { onPrelabelProgress } from '../features/browse/suggestions';
// Embedding map + similar images (#13)
import { onMapProgress } from '../features/map/map.store';
import { onSimilarProgress } from '../features/similar/similar.store';

export function subscribeEvents(): () => void {
  const api = getApi();
  const offs = [
    api.on('import.progress', onImportProgress),
    api.on('train.event', onTrainEvent),
    api.on('suspects.progress', onSuspectsProgress),
    api.on('export.progress', onExportProgress),
    api.on('runs.predictProgress', onPredictAllProgress),
    api.on('runs.prelabelProgress', onPrelabelProgress),
    // Embedding map + similar images (#13)
    api.on('map.progress', onMapProgress),
    api.on('similar.progress', onSimilarProgress),
    api.on('library.changed', ({ reason }) => {
      refreshLibrarySoon();
      // Label changes keep the grid in place (a relabeled image does not vanish from a class filter while the
      // user works); the action that made them already updated the cells. Anything else refetches.
      if (reason !== 'labels' && !reason.startsWith('suspects.decide')) invalidate();
    }),
  ];
  return () => offs.forEach((off) => off());
}
