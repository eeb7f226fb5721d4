/**
 * Two small services a user might have, written into their project: `orders`, an Express app in
 * CommonJS (loaded with `--require`), whose `/orders/broken` throws; and `gateway`, a Koa app in ESM
 * (loaded with `--import`), which calls orders with fetch and passes its status on. A checkout of the
 * broken order is a 500 that originates in orders' handler.
 */
export const SERVICE_FILES = {
  'orders.cjs': `
const express = require('express');
const app = express();
app.get('/orders/:id', (req, res) => {
  if (req.params.id === 'broken') throw new Error('inventory lookup failed for order broken');
  res.json({ id: req.params.id, status: 'paid' });
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: server.address().port, node: process.version }));
});
`,
  'gateway.mjs': `
import Koa from 'koa';
const app = new Koa();
app.use(async (ctx) => {
  const id = ctx.path.replace(/^\\/checkout\\//, '');
  const answer = await fetch(process.env.ORDERS_URL + '/orders/' + encodeURIComponent(id));
  ctx.status = answer.status;
  ctx.body = await answer.text();
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: server.address().port, node: process.version }));
});
`,
};

/** The port and Node version a service printed once listening. */
export const LISTENING = /\{"listening":(\d+),"node":"(v\d+)[^"]*"\}/;
