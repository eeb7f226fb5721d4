// Plain node:http: a request listener that writes on its active span (app-writes.cjs).
const http = require('node:http');
const { writeOnActiveSpan } = require('./app-writes.cjs');

const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname;
  res.writeHead(writeOnActiveSpan(path), { 'content-type': 'application/json' });
  res.end(JSON.stringify({ path }));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
