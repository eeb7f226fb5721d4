// Express 5 (ES module, loaded with --import): a handler that writes on its active span.
import { createRequire } from 'node:module';
import express from 'express';

const { writeOnActiveSpan } = createRequire(import.meta.url)('./app-writes.cjs');

const app = express();
app.get(['/ok', '/app-exception', '/app-error'], (req, res) => {
  res.status(writeOnActiveSpan(req.path)).json({ path: req.path });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
