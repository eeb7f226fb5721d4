import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@faultline/source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/harness/global-setup.ts'],
    // Black-box tests start a collector and apps in child processes.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
