import { type AppWritesApp, describeAppWrites } from './app-writes-suite.js';

/*
 * What an app writes on the span it runs in (test/apps/app-writes.cjs) is in the stored trace of every
 * failing request, with success sampling active, on every framework the package supports (Fastify 4:
 * app-writes-fastify4.test.ts).
 */
const APPS: AppWritesApp[] = [
  { name: 'Express 5 (CommonJS)', script: 'app-writes-express.cjs' },
  { name: 'Express 5 (ES module)', script: 'app-writes-express.mjs', preload: 'faultline-import' },
  { name: 'Express 4', script: '../express4/app-writes.cjs' },
  { name: 'Fastify 5', script: 'app-writes-fastify.cjs' },
  { name: 'Koa', script: 'app-writes-koa.cjs' },
  { name: 'node:http', script: 'app-writes-http.cjs' },
];

describeAppWrites(APPS);
