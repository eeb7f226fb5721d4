import { defineConfig } from 'vite';

/**
 * The UI builds to static files (dist/) that the collector serves. JSX goes through Vite's own Oxc
 * transform with Preact's automatic runtime, so no Babel-based plugin is needed. Workspace packages are
 * bundled from their TypeScript source (`@faultline/source`), so the UI does not wait for their dist/.
 */
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { conditions: ['@faultline/source', 'module', 'browser', 'development|production'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  // `pnpm dev` talks to a running collector's API (FAULTLINE_URL, default the collector's default port).
  server: { proxy: { '/api': process.env.FAULTLINE_URL ?? 'http://127.0.0.1:8318' } },
});
