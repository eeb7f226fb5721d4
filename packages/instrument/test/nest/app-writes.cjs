// NestJS 12 on Express (5): instrumentation-nestjs-core does not patch 12, so the handler's active span
// is the server span.
require('reflect-metadata');
const { listenWithNest } = require('./nest-writes-app.cjs');

listenWithNest(require('@nestjs/common'), require('@nestjs/core'));
