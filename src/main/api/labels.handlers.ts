import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { redo, setLabels, undo } from '../services/labels';

export const labelsHandlers: HandlerGroup<Extract<RequestName, `labels.${string}`>> = {
  'labels.set': ({ imageIds, classId, origin }, ctx) => {
    const result = setLabels(ctx.library().db, imageIds, classId, origin ?? 'manual');
    if (result.changed) ctx.emit('library.changed', { reason: 'labels' });
    return result;
  },
  'labels.undo': (_input, ctx) => {
    const result = undo(ctx.library().db);
    if (result.batchId !== null) ctx.emit('library.changed', { reason: 'labels' });
    return result;
  },
  'labels.redo': (_input, ctx) => {
    const result = redo(ctx.library().db);
    if (result.batchId !== null) ctx.emit('library.changed', { reason: 'labels' });
    return result;
  },
};
