// A NestJS app on Express, in plain CommonJS: a controller whose handlers write on their active span
// (../apps/app-writes.cjs). The decorators are applied by hand (Reflect.decorate), so there is no build
// step. Each Nest major's package passes its own @nestjs/common and @nestjs/core.
const { writeOnActiveSpan } = require('../apps/app-writes.cjs');

const ROUTES = { ok: '/ok', appException: '/app-exception', appError: '/app-error' };

async function listenWithNest({ Controller, Get, Module, Res }, { NestFactory }) {
  class WritesController {}
  for (const [method, path] of Object.entries(ROUTES)) {
    // Named after the method, as a class method would be (Nest 11's handler span takes the name).
    WritesController.prototype[method] = {
      [method](res) {
        res.status(writeOnActiveSpan(path)).json({ path });
      },
    }[method];
    const descriptor = Object.getOwnPropertyDescriptor(WritesController.prototype, method);
    // `@Get(path) method(@Res() res)`.
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

  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const port = app.getHttpServer().address().port;
  process.stdout.write(`${JSON.stringify({ port, node: process.version })}\n`);
}

module.exports = { listenWithNest };
