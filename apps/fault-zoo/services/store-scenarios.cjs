// Every route of the store service, and the cases a reviewer tries next: a crash, an N+1 loop that
// ends in a failure, a handled Redis failure followed by a 503, and bad input a middleware rejects.
const { mysqlScenarios, pool } = require('./mysql-scenarios.cjs');
const { redisScenarios, withIoredis } = require('./redis-scenarios.cjs');
const { mongoScenarios } = require('./mongo-scenarios.cjs');

const scenarios = {
  ...mysqlScenarios,
  ...redisScenarios,
  ...mongoScenarios,
  '/ok': async () => {
    await pool().query('SELECT 1');
  },
  // A Koa middleware parses a URL from the request before any call is made.
  '/koa/invalid-url': async (ctx) => {
    const next = new URL(ctx.query.next ?? 'not a url');
    return { body: { next: next.href } };
  },
  // The process dies mid-request: no answer, no flush.
  '/crash': async () => {
    await pool().query('SELECT 1');
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {});
  },
  // The process dies of an uncaught exception thrown outside the request's promise chain.
  '/crash-uncaught': async () => {
    setImmediate(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'sku')");
    });
    await new Promise(() => {});
  },
  // One query per item, thousands of them, and the last one fails.
  '/n-plus-one': async (ctx) => {
    const items = Number(ctx.query.items ?? 2000);
    for (let id = 1; id <= items; id++) await pool().query('SELECT ? AS id', [id]);
    await pool().query('SELECT price FROM no_such_prices WHERE id = ?', [items]);
  },
  // The cache is down; the handler falls back to the database (which answers), then refuses on a
  // business rule with a 503.
  '/handled-redis': async () => {
    let cart;
    try {
      cart = await withIoredis(`redis://127.0.0.1:${process.env.CLOSED_PORT}`, {}, (c) => c.get('cart:1'));
    } catch {
      const [rows] = await pool().query('SELECT 0 AS items');
      cart = rows[0];
    }
    return { status: 503, body: { error: 'checkout paused: cart unavailable', cart } };
  },
  // Fails on every call (for the caller's retries): the database is refusing connections.
  '/always-fails': () => mysqlScenarios['/mysql2/refused'](),
};

module.exports = { scenarios };
