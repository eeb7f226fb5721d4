import { defineConfig } from 'vitest/config';

// Like ../../vitest.shared.ts but without the `module` condition: the official @opentelemetry/*
// packages these tests use as an oracle publish `module` builds with extensionless imports that only
// bundlers resolve, and vitest hands dependencies to Node, which needs their `default` builds.
export default defineConfig({
  resolve: { conditions: ['@faultline/source'] },
  ssr: { resolve: { conditions: ['@faultline/source', 'node', 'development|production'] } },
  test: { testTimeout: 20_000 },
});
