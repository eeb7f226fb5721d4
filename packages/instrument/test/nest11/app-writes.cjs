// NestJS 11 on Express (5): instrumentation-nestjs-core patches 11, so the handler's active span is its
// handler span.
require('reflect-metadata');
const { listenWithNest } = require('../nest/nest-writes-app.cjs');

listenWithNest(require('@nestjs/common'), require('@nestjs/core'));
