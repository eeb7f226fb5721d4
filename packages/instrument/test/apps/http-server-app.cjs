// A plain node:http app for the server half of HTTP tracing: a JSON body read through the request's
// 'data'/'end' listeners, work done in those listeners (a log line, an outgoing request), and a
// 'finish' listener on the response that logs, as access loggers do.
const http = require('node:http');

const downstream = http.createServer((_req, res) => {
  res.end('downstream ok');
});

const server = http.createServer((req, res) => {
  res.on('finish', () => console.warn(`access ${req.method} ${req.url} ${res.statusCode}`));
  if (req.method === 'POST' && req.url.startsWith('/orders')) {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const order = JSON.parse(body);
      console.error(`order ${order.id} received`);
      const { port } = downstream.address();
      http.get({ host: '127.0.0.1', port, path: `/stock/${order.id}` }, (answer) => {
        answer.resume();
        answer.on('end', () => {
          res.writeHead(order.id === 'bad' ? 502 : 201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: order.id }));
        });
      });
    });
  } else if (req.url === '/slow') {
    setTimeout(() => res.end('too late'), 1500);
  } else if (req.url.startsWith('/search')) {
    res.end('[]');
  } else {
    res.writeHead(404);
    res.end();
  }
});

downstream.listen(0, '127.0.0.1', () => {
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
  });
});
