// A Koa app with failing routes; loaded with --require by the tests.
const Koa = require('koa');

const app = new Koa();
app.use(async (ctx, next) => {
  if (ctx.path === '/ok') ctx.body = { ok: true };
  else if (ctx.path === '/not-found') ctx.throw(404, 'no such order');
  else if (ctx.path === '/explicit-500') {
    ctx.status = 500;
    ctx.body = { error: 'explicit 500' };
  } else await next();
});
app.use(async function failingMiddleware(ctx) {
  if (ctx.path === '/throw') {
    const order = undefined;
    ctx.body = order.total;
  } else if (ctx.path === '/reject') {
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new Error('rejected inside an async middleware');
  }
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
