import { describeAppWrites } from './app-writes-suite.js';

// NestJS on Express (the workspace package test/nest, plain CommonJS with decorators applied by hand):
// the handler runs inside Nest's Express router, under the spans of the Express tracing.
describeAppWrites([{ name: 'NestJS on Express', script: '../nest/app-writes.cjs' }]);
