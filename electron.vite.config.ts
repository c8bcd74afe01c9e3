// electron-vite 6 build: the Electron main process (plus the training worker it forks), the sandboxed preload,
// and the React renderer. Native and heavy packages stay external to the main bundle (they are loaded from
// node_modules at run time, asar-unpacked when packaged); the preload bundles everything because a sandboxed
// preload cannot require anything but `electron`.
import path from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// electron-vite runs from the project root (its own default root is process.cwd() too); the config file is
// bundled before it runs, so import.meta paths would not point here.
const src = (p: string): string => path.resolve(process.cwd(), 'src', p);

// The worker process is a second main-side entry (utilityProcess.fork runs it); the ONNX Runtime training
// step's worker threads a third (ort-trainer.ts looks for ort-step.worker.js next to the bundle).
const mainInput: Record<string, string> = {
  index: src('main/index.ts'),
  'train.worker': src('main/train.worker.ts'),
  'ort-step.worker': src('main/engine/ort-train/step.worker.ts'),
};

// electron-vite appends `const require = createRequire(import.meta.url)` to every ESM chunk that uses `require`.
// A source module that declares that same binding itself (plain Node needs it) would then collide in the
// bundle ("Identifier 'require' has already been declared"); drop the module's own, identical declaration.
const OWN_REQUIRE = /^const require = createRequire\(import\.meta\.url\);?$/m;
const sharedRequireShim = {
  name: 'paddy:shared-require-shim',
  transform(code: string, id: string) {
    if (!id.includes('/src/main/') || !OWN_REQUIRE.test(code)) return null;
    return { code: code.replace(OWN_REQUIRE, '// (require: provided by the bundle\'s CommonJS shim)'), map: null };
  },
};

// `electron-vite dev` only: React Fast Refresh injects an inline preamble script and Vite's HMR client opens a
// WebSocket, both of which the production CSP forbids. Relax the meta CSP for the dev server alone.
const devCsp = {
  name: 'paddy:dev-csp',
  apply: 'serve' as const,
  transformIndexHtml(html: string) {
    return html
      .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
      .replace("connect-src 'self'", "connect-src 'self' ws: http://localhost:*");
  },
};

const NATIVE = ['better-sqlite3', 'sharp', 'onnxruntime-node', /^@tensorflow\//, /^@img\//];

export default defineConfig({
  main: {
    plugins: [sharedRequireShim],
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: mainInput,
        external: NATIVE,
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads are run as one CommonJS script: bundle zod and the contract into it.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: src('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: src('renderer'),
    plugins: [react(), devCsp],
    build: {
      rolldownOptions: { input: { index: src('renderer/index.html') } },
    },
  },
});
