// A plain node:http app; its failing routes crash the process, as they would without Faultline.
const http = require('node:http');

const server = http.createServer((req, res) => {
  if (req.url === '/ok') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  } else if (req.url === '/explicit-500') {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('explicit 500');
  } else if (req.url === '/throw') {
    const order = undefined;
    res.end(order.total);
  } else if (req.url === '/reject') {
    Promise.reject(new Error('unhandled rejection in a handler'));
  } else if (req.url === '/slow') {
    setTimeout(() => res.end('slow'), 3000);
  } else {
    res.writeHead(404);
    res.end();
  }
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
