// An Express 5 app with one route per way a request can fail; loaded with --require by the tests.
const express = require('express');
const bunyan = require('bunyan');
const pino = require('pino');
const winston = require('winston');

const logger = pino();
const winstonLogger = winston.createLogger({ transports: [new winston.transports.Console()] });
const bunyanLogger = bunyan.createLogger({ name: 'orders' });
const app = express();

app.use('/middleware-reject', async () => {
  throw new Error('rejected inside an async middleware');
});
app.get('/ok', (_req, res) => {
  res.json({ ok: true });
});
app.get('/throw', () => {
  const order = undefined;
  return order.total; // TypeError: Cannot read properties of undefined
});
app.get('/reject', async () => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  throw new Error('rejected inside an async handler');
});
app.get('/next-error', (_req, _res, next) => {
  next(new Error('passed to next()'));
});
app.get('/explicit-500', (_req, res) => {
  res.status(500).json({ error: 'explicit 500' });
});
app.get('/log', (_req, res) => {
  logger.error({ orderId: 42 }, 'payment declined');
  res.status(502).json({ error: 'payment declined' });
});
app.get('/winston', (_req, res) => {
  winstonLogger.error('winston says the payment failed');
  res.status(500).end();
});
app.get('/bunyan', (_req, res) => {
  bunyanLogger.error('bunyan says the payment failed');
  res.status(500).end();
});
app.get('/console', (_req, res) => {
  console.error('console says %s', 'boom');
  res.status(500).end();
});
// A router mounted at a path with a parameter, with an error handler that wraps what it is given.
const tenants = express.Router({ mergeParams: true });
tenants.get('/orders/:id', (req, res) => {
  res.json({ tenant: req.params.tenant, order: req.params.id });
});
tenants.get('/fail', () => {
  throw new RangeError('tenant quota exceeded');
});
tenants.use((error, req, _res, next) => {
  next(new Error(`tenant ${req.params.tenant}: ${error.message}`));
});
app.use('/tenants/:tenant', tenants);
app.get('/crash', () => {
  setTimeout(() => {
    throw new Error('crash outside any handler');
  }, 1);
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
