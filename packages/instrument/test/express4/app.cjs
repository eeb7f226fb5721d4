// An Express 4 app (no router tracing channel): instrumentation-express must still trace it.
const express = require('express');

const app = express();
app.get('/orders/:id', (req, res) => {
  res.json({ order: req.params.id });
});
app.get('/throw', () => {
  throw new TypeError('express 4 handler failed');
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
