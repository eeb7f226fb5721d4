import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@faultline/source'] },
  test: {
    include: ['test/**/*.test.ts'],
    // Rebuilds @faultline/instrument's dist when its sources are newer: the services load dist.
    globalSetup: ['../../packages/instrument/test/harness/global-setup.ts'],
    // The zoo starts MariaDB, Redis, a collector and services in child processes.
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // One file at a time: the machine is shared, and the servers are per file.
    fileParallelism: false,
  },
});
