// Express 5 (CJS): a handler that writes on its active span (app-writes.cjs).
const express = require('express');
const { writeOnActiveSpan } = require('./app-writes.cjs');

const app = express();
app.get(['/ok', '/app-exception', '/app-error'], (req, res) => {
  res.status(writeOnActiveSpan(req.path)).json({ path: req.path });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
