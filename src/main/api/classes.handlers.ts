import type { RequestName } from '../../shared/contract';
import type { HandlerGroup } from './context';
import { addClass, mergeClasses, renameClass } from '../services/classes';

export const classesHandlers: HandlerGroup<Extract<RequestName, `classes.${string}`>> = {
  'classes.add': ({ name }, ctx) => {
    const info = addClass(ctx.library(), name);
    ctx.emit('library.changed', { reason: 'classes' });
    return info;
  },
  'classes.rename': ({ classId, name }, ctx) => {
    const info = renameClass(ctx.library(), classId, name);
    ctx.emit('library.changed', { reason: 'classes' });
    return info;
  },
  'classes.merge': ({ fromId, intoId }, ctx) => {
    const { info, changed } = mergeClasses(ctx.library(), fromId, intoId);
    ctx.emit('library.changed', { reason: 'classes' });
    if (changed) ctx.emit('library.changed', { reason: 'labels' });
    return info;
  },
};
