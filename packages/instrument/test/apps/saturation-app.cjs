// An Express 5 "pricing" service that saturates its own process in the three ways of issue 24: a
// synchronous rebuild that blocks its event loop, a cache that leaks until the heap is nearly full
// (start it with a small --max-old-space-size), and a CPU-bound report that keeps the loop turning
// between slices of work but a core busy. The tests read the process picture on the server spans Faultline exports.
const v8 = require('node:v8');
const express = require('express');

const app = express();
const heapLimit = v8.getHeapStatistics().heap_size_limit;

function burn(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

// An ordinary request: a little asynchronous work, then the answer.
app.get('/quote', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, Number(req.query.wait ?? 2)));
  res.json({ sku: 'A-1', price: 42 });
});
// The same, answered in the very turn the request is read.
app.get('/price', (_req, res) => {
  res.json({ sku: 'A-1', price: 42 });
});
app.get('/fail', () => {
  throw new Error('price list missing');
});
// Rebuilds a price table synchronously: the headers go out first, so the caller knows the block has
// begun, then nothing else runs in this process for `ms` milliseconds. (A response's first write is
// sent as the current tick ends, so the block starts a turn later.)
app.get('/rebuild', (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write('rebuilding\n');
  setImmediate(() => {
    burn(Number(req.query.ms ?? 1000));
    res.end('rebuilt\n');
  });
});
// A cache that never evicts, behind a load-shedding guard like @fastify/under-pressure's: once the
// heap is nearly at its limit the request fails instead of taking the process down.
const cache = [];
app.get('/remember', (_req, res) => {
  const used = process.memoryUsage().heapUsed;
  if (used / heapLimit >= 0.92) {
    throw new Error(`heap nearly full (${Math.round(used / 1048576)} MiB used): refusing new entries`);
  }
  for (let i = 0; i < 64; i += 1) cache.push(Array.from({ length: 1000 }, (_, j) => ({ j })));
  res.json({ entries: cache.length });
});
// A report computed in slices of 150 ms (the loop turns between them, so nothing is blocked for
// long, but nothing else gets much of it either) that misses its deadline.
app.get('/report', async (req, _res, next) => {
  const end = performance.now() + Number(req.query.ms ?? 3000);
  while (performance.now() < end) {
    burn(150);
    await new Promise((resolve) => setImmediate(resolve));
  }
  next(new Error('report deadline exceeded'));
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
