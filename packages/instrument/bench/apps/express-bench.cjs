// Express benchmark app: GET /json, GET /db, and GET /fail (a thrown error: 500).
const express = require('express');
const { payload, readOrder } = require('./bench-db.cjs');

const app = express();
app.get('/json', (_req, res) => {
  res.json(payload);
});
app.get('/db', (_req, res) => {
  res.json(readOrder());
});
app.get('/fail', () => {
  throw new Error('benchmark failure');
});
// An app's own error handler, as most have: answer 500 without printing every stack.
app.use((error, _req, res, _next) => {
  res.status(500).json({ error: error.message });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
