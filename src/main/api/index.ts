// Every request of the contract mapped to its handler. Request `x.y` is handled in `x.handlers.ts`, whose group
// type covers exactly the contract's `x.*` names; the `Handlers` type makes a missing group a compile error.
// tests/main/api/api-contract.test.ts checks both at run time.
import type { Handlers } from './context';
import { classesHandlers } from './classes.handlers';
import { dialogHandlers } from './dialog.handlers';
import { exportHandlers } from './export.handlers';
import { imagesHandlers } from './images.handlers';
import { importHandlers } from './import.handlers';
import { jobsHandlers } from './jobs.handlers';
import { labelsHandlers } from './labels.handlers';
import { libraryHandlers } from './library.handlers';
import { runsHandlers } from './runs.handlers';
import { settingsHandlers } from './settings.handlers';
import { sourcesHandlers } from './sources.handlers';
import { suggestionsHandlers } from './suggestions.handlers'; // pre-labels and the review queue (#14)
import { suspectsHandlers } from './suspects.handlers';
import { systemHandlers } from './system.handlers';
import { mapHandlers } from './map.handlers'; // embedding map (#13)
import { similarHandlers } from './similar.handlers'; // similar images (#13)
import { trainHandlers } from './train.handlers';

export const handlers: Handlers = {
  ...systemHandlers,
  ...settingsHandlers,
  ...libraryHandlers,
  ...importHandlers,
  ...exportHandlers,
  ...classesHandlers,
  ...imagesHandlers,
  ...labelsHandlers,
  ...trainHandlers,
  ...runsHandlers,
  ...jobsHandlers,
  ...suspectsHandlers,
  ...dialogHandlers,
  ...sourcesHandlers,
  ...suggestionsHandlers, // pre-labels and the review queue (#14)
  ...mapHandlers, // embedding map (#13)
  ...similarHandlers, // similar images (#13)
};

export { dispatch } from './context';
export type { AppContext, Handlers } from './context';
