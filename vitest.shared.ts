import { defineConfig } from 'vitest/config';

/**
 * Tests import workspace packages from their TypeScript source through the `@faultline/source`
 * export condition, so no package has to be built before its dependents' unit tests run.
 * The other server conditions are Vite's defaults (`defaultServerConditions`), which a custom list replaces.
 */
export const sourceConditions = defineConfig({
  resolve: { conditions: ['@faultline/source'] },
  ssr: { resolve: { conditions: ['@faultline/source', 'module', 'node', 'development|production'] } },
});
