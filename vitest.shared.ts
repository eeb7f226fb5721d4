import { defineConfig } from 'vitest/config';

/**
 * Tests import workspace packages from their TypeScript source through the `@faultline/source`
 * export condition, so no package has to be built before its dependents' unit tests run.
 * The other server conditions are Vite's defaults less `module`: OpenTelemetry's `module` builds use
 * extensionless imports that only bundlers resolve, and Node would be handed those files.
 */
export const sourceConditions = defineConfig({
  resolve: { conditions: ['@faultline/source'] },
  ssr: { resolve: { conditions: ['@faultline/source', 'node', 'development|production'] } },
});
