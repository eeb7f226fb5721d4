import { describeAppWrites } from './app-writes-suite.js';

// Fastify 4 runs on the @fastify/otel fallback (no handler channel): the handler's active span is
// @fastify/otel's handler span, not the server span.
describeAppWrites([{ name: 'Fastify 4', script: '../fastify4/app-writes.cjs' }]);
