import { mergeConfig } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default mergeConfig(sourceConditions, { test: { testTimeout: 20_000 } });
