import { describeAppWrites } from './app-writes-suite.js';

// NestJS on Express, in plain CommonJS with the decorators applied by hand (test/nest/nest-writes-app.cjs).
// Nest 12: instrumentation-nestjs-core does not patch it, so the handler writes on the server span
// (deferred under sampling). Nest 11: it does, so the handler writes on Nest's handler span.
describeAppWrites([
  { name: 'NestJS 12 on Express', script: '../nest/app-writes.cjs' },
  { name: 'NestJS 11 on Express', script: '../nest11/app-writes.cjs' },
]);
