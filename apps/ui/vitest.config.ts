import { defineConfig, mergeConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

/**
 * Two projects: `unit` (components in happy-dom, fast) and `e2e` (real Chromium against a real
 * collector, slower). `pnpm test` runs both; `vitest run --project unit` runs the fast half alone.
 */
export default mergeConfig(
  sourceConditions,
  defineConfig({
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    resolve: { conditions: ['@faultline/source', 'module', 'browser', 'development|production'] },
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            environment: 'happy-dom',
            // One copy of Preact: the testing library must resolve it the way the components do.
            server: { deps: { inline: ['@testing-library/preact', 'preact'] } },
            include: ['src/**/*.test.{ts,tsx}', 'test/*.test.{ts,tsx}'],
            setupFiles: ['test/setup-dom.ts'],
            testTimeout: 10_000,
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            environment: 'node',
            include: ['test/e2e/**/*.test.ts'],
            // Each file runs a collector and a browser; one at a time keeps a 2-core machine responsive.
            fileParallelism: false,
            testTimeout: 60_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  }),
);
