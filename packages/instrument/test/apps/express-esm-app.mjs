// The Express app as an ES module, loaded with --import by the tests: static imports must be patched.
import Database from 'better-sqlite3';
import express from 'express';
import pino from 'pino';

const logger = pino();
const app = express();
app.get('/ok', (_req, res) => {
  res.json({ ok: true });
});
app.get('/throw', () => {
  const order = undefined;
  return order.total;
});
app.get('/log', (_req, res) => {
  logger.error({ orderId: 7 }, 'stock lookup failed');
  res.status(500).json({ error: 'stock lookup failed' });
});
// nativeBinding: the tests' build for the Node they run this app on, if not the installed one.
const db = new Database(':memory:', { nativeBinding: process.env.FAULTLINE_TEST_BETTER_SQLITE3_BINDING });
db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)');
app.get('/sqlite', (_req, res) => {
  res.json(db.prepare('SELECT count(*) AS n FROM orders').get());
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
