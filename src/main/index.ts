// Electron entry: the built out/main/index.js. All wiring is in ./electron/app.ts.
import { startElectronApp } from './electron/app';

startElectronApp();
