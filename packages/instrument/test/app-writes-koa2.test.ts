import { describeAppWrites } from './app-writes-suite.js';

// Koa 2 (the workspace package test/koa2; app-writes.test.ts covers Koa 3): the handler's active span
// is the Koa middleware span of the upstream instrumentation.
describeAppWrites([{ name: 'Koa 2', script: '../koa2/app-writes.cjs' }]);
