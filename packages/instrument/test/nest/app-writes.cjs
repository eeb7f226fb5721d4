// NestJS on Express, in plain CommonJS: a controller whose handlers write on their active span
// (../apps/app-writes.cjs). The decorators are applied by hand (Reflect.decorate), so no build step.
require('reflect-metadata');
const { Controller, Get, Module, Res } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { writeOnActiveSpan } = require('../apps/app-writes.cjs');

class WritesController {
  answer(path, res) {
    res.status(writeOnActiveSpan(path)).json({ path });
  }
  ok(res) {
    this.answer('/ok', res);
  }
  appException(res) {
    this.answer('/app-exception', res);
  }
  appError(res) {
    this.answer('/app-error', res);
  }
}
const ROUTES = { ok: '/ok', appException: '/app-exception', appError: '/app-error' };
for (const [method, path] of Object.entries(ROUTES)) {
  const descriptor = Object.getOwnPropertyDescriptor(WritesController.prototype, method);
  // `@Res() res` on parameter 0, then `@Get(path)` on the method.
  Reflect.decorate(
    [Get(path), (target, key) => Res()(target, key, 0)],
    WritesController.prototype,
    method,
    descriptor,
  );
}
Reflect.decorate([Controller()], WritesController);

class AppModule {}
Reflect.decorate([Module({ controllers: [WritesController] })], AppModule);

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const port = app.getHttpServer().address().port;
  process.stdout.write(`${JSON.stringify({ port, node: process.version })}\n`);
}
main();
