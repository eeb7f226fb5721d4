import { mergeConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default mergeConfig(sourceConditions, {
  test: {
    testTimeout: 20_000,
    hookTimeout: 40_000,
    globalSetup: ['./test/global-setup.ts'],
    // Each test file runs a whole demo (five Node processes); one at a time keeps a 2-core machine
    // responsive enough for the timing promises the tests check (failures shown within 15 s).
    fileParallelism: false,
  },
});
