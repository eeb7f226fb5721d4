import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // npm installs (better-sqlite3 compiles from source here) and child processes.
    testTimeout: 120_000,
    hookTimeout: 1_500_000,
  },
});
