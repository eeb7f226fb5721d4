// A plain node:http app with health and readiness probes beside ordinary routes. Every probe asks a
// downstream server first (as a readiness check asks its database), so it would have child spans;
// `?fail` makes a probe answer 503.
const http = require('node:http');

const downstream = http.createServer((_req, res) => {
  res.end('downstream ok');
});

function askDownstream(done) {
  const { port } = downstream.address();
  http.get({ host: '127.0.0.1', port, path: '/ping-db' }, (answer) => {
    answer.resume();
    answer.on('end', done);
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  askDownstream(() => {
    if (url.searchParams.has('fail')) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('not ready');
      return;
    }
    res.end(`ok ${url.pathname}`);
  });
});

downstream.listen(0, '127.0.0.1', () => {
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
  });
});
