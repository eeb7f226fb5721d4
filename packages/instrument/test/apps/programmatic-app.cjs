// Starts Faultline from code with the options in FAULTLINE_TEST_OPTIONS (JSON), then serves /.
// start() comes first: modules required before it are not patched.
const { start } = require('../..'); // the package itself, through its package.json "main"

const handle = start(JSON.parse(process.env.FAULTLINE_TEST_OPTIONS ?? '{}'));
const http = require('node:http');

const server = http.createServer((_req, res) => {
  res.end(JSON.stringify({ started: handle.started }));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
