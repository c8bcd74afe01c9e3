// Every request of the contract mapped to its handler. The `Handlers` type makes a missing one a compile error;
// tests/api-contract.test.ts checks the same at run time.
import type { Handlers } from './context';
import { classesHandlers } from './classes.handlers';
import { dialogHandlers } from './dialog.handlers';
import { imagesHandlers } from './images.handlers';
import { importHandlers } from './import.handlers';
import { suspectsHandlers } from './suspects.handlers';
import { systemHandlers } from './system.handlers';
import { trainingHandlers } from './training.handlers';

export const handlers: Handlers = {
  ...systemHandlers,
  ...classesHandlers,
  ...importHandlers,
  ...imagesHandlers,
  ...trainingHandlers,
  ...suspectsHandlers,
  ...dialogHandlers,
};

export { dispatch } from './context';
export type { AppContext, Handlers } from './context';
