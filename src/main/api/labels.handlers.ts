import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { redo, setLabels, undo } from '../services/labels';
import { assignLabeledSplits } from '../services/unlabeled/label-splits';

export const labelsHandlers: HandlerGroup<Extract<RequestName, `labels.${string}`>> = {
  'labels.set': async ({ imageIds, classId, origin }, ctx) => {
    const result = setLabels(ctx.library().db, imageIds, classId, origin ?? 'manual');
    // An image imported without a label gets its split once it has one (#14).
    if (result.changed) await assignLabeledSplits(ctx.library(), imageIds);
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
