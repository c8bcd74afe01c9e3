// The project's electron-vite config without the renderer: tests that check the main and preload bundles build
// them into a private folder without depending on the studio UI's state.
import config from '../../electron.vite.config';

const { main, preload } = config as { main: unknown; preload: unknown };
export default { main, preload };
