// Koa 2: a middleware that writes on its active span (../apps/app-writes.cjs), as apps/app-writes-koa.cjs
// does on Koa 3.
const Koa = require('koa');
const { writeOnActiveSpan } = require('../apps/app-writes.cjs');

const app = new Koa();
app.use(async (ctx) => {
  ctx.status = writeOnActiveSpan(ctx.path);
  ctx.body = { path: ctx.path };
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
