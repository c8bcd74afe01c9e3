// The layer table of ARCHITECTURE.md as rules a tool checks: `npm run lint:deps`, and tests/boundaries.test.ts
// runs the same command so `npm test` fails on an import across a forbidden boundary. Each rule's comment is the
// reason the boundary exists; keep ARCHITECTURE.md's "Layers" table saying the same thing.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order matter and the two modules one unit in disguise; extract what both need.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'renderer-not-to-main',
      severity: 'error',
      comment: 'The renderer runs in a browser and talks to main only through PaddyApi (src/shared/contract.ts).',
      from: { path: '^src/renderer/' },
      to: { path: '^src/(main|preload)/' },
    },
    {
      name: 'renderer-not-to-node',
      severity: 'error',
      comment: 'The renderer runs in a browser (web host) and a sandboxed Electron renderer: no Node builtins.',
      from: { path: '^src/renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-only-zod',
      severity: 'error',
      comment: 'src/shared is loaded by every layer (browser, preload, Node): it may import only itself and zod.',
      from: { path: '^src/shared/' },
      to: { pathNot: ['^src/shared/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'preload-not-to-main',
      severity: 'error',
      comment: 'The preload is bundled alone into a sandboxed context: only shared and electron.',
      from: { path: '^src/preload/' },
      to: { path: '^src/(main|renderer)/' },
    },
    {
      name: 'electron-only-in-electron-host',
      severity: 'error',
      comment: 'Outside the Electron host (src/main/electron, its entry src/main/index.ts) and the preload, code runs under plain Node (CLI, web host, tests, workers) or in a browser, where electron is absent.',
      from: { path: '^src/', pathNot: ['^src/main/electron/', '^src/main/index\\.ts$', '^src/preload/'] },
      to: { path: ['^electron$', '(^|/)node_modules/electron/', '^src/main/electron/'] },
    },
    {
      name: 'services-not-to-hosts',
      severity: 'error',
      comment: 'Services are called by every host (Electron, web, CLI) and by workers; they take what they need as parameters.',
      from: { path: '^src/main/services/' },
      to: { path: '^src/main/(api|cli|web|electron|workers)/' },
    },
    {
      name: 'engine-not-to-app',
      severity: 'error',
      comment: 'The learning engine knows tensors, models and files, not the library, requests, hosts or processes.',
      from: { path: '^src/main/engine/' },
      to: { path: '^src/main/(services|api|cli|web|electron|workers)/' },
    },
    {
      name: 'workers-not-to-hosts',
      severity: 'error',
      comment: 'Workers are process plumbing (spawn, message, cancel) that the hosts use; they never reach up into services, requests or hosts.',
      from: { path: '^src/main/workers/' },
      to: { path: '^src/main/(services|api|cli|web|electron)/' },
    },
    {
      name: 'repos-not-to-services',
      severity: 'error',
      comment: 'Repositories are SQL over one database; services compose them, never the reverse.',
      from: { path: '^src/main/repos/' },
      to: { path: '^src/main/(services|api|cli|web|electron|workers|engine)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import the resolver cannot find is a typo or a missing dependency; it would also hide from the rules above.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^out/', '^dist/'] },
    // Type-only imports count: a renderer importing a main-process type still couples the layers.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.json', '.d.ts'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
