// Express benchmark app: GET /json and GET /db.
const express = require('express');
const { payload, readOrder } = require('./bench-db.cjs');

const app = express();
app.get('/json', (_req, res) => {
  res.json(payload);
});
app.get('/db', (_req, res) => {
  res.json(readOrder());
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
