// The zoo's "store" service: a Koa app whose routes fail in the ways real database and cache clients
// fail (mysql2, mysql, knex, ioredis, redis, mongodb). Each route makes the real call against the real
// server (MariaDB, Redis) or a port that refuses or drops connections, and lets the error surface the
// way an app written by someone else would: thrown out of a Koa middleware (answered 500 by Koa).
// Env: MYSQL_URL, REDIS_URL, CLOSED_PORT (nothing listens), DROP_PORT (accepts, then closes),
// MONGO_PEER_PORT (answers MongoDB's handshake, then drops the connection), CUT_MYSQL_URL (MariaDB
// through a proxy that cuts the connection when a query sleeps), PORT.
const Koa = require('koa');
const { scenarios } = require('./store-scenarios.cjs');

const app = new Koa();
// Koa logs every error with console.error; the zoo's failures are expected, keep stderr readable.
app.silent = true;

app.use(async function route(ctx) {
  const scenario = scenarios[ctx.path];
  if (!scenario) {
    ctx.status = 404;
    return;
  }
  const answer = await scenario(ctx);
  ctx.status = answer?.status ?? 200;
  ctx.body = answer?.body ?? { ok: true };
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
