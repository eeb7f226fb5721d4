// The "pricing" service of saturation-verdicts.test.ts (issue 24): an Express 5 app that saturates its
// own process on request, in the three ways a verdict must name: a synchronous rebuild that blocks its
// event loop, a cache that grows until the heap is nearly full (run it with a small
// --max-old-space-size), and CPU-bound quotes that a burst of requests queues up.
const v8 = require('node:v8');
const express = require('express');

const app = express();

function burn(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

app.get('/price/:id', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 2));
  res.json({ id: req.params.id, price: 42 });
});
app.get('/fail', () => {
  throw new Error('price list missing');
});
// The answer goes out first, so the caller knows the block has begun; then nothing else runs in this
// process for `ms` milliseconds.
app.get('/rebuild', (req, res) => {
  res.end('rebuilding\n', () => setImmediate(() => burn(Number(req.query.ms ?? 1400))));
});
// A cache that never evicts, behind a load-shedding guard like @fastify/under-pressure's
// maxHeapUsedBytes (MAX_HEAP_USED_BYTES): the request fails instead of V8 aborting the process.
const maxHeapUsedBytes = Number(
  process.env.MAX_HEAP_USED_BYTES ?? 0.9 * v8.getHeapStatistics().heap_size_limit,
);
const cache = [];
app.get('/remember', (_req, res) => {
  const used = process.memoryUsage().heapUsed;
  if (used >= maxHeapUsedBytes) {
    throw new Error(`heap nearly full (${Math.round(used / 1048576)} MiB used): refusing new entries`);
  }
  for (let i = 0; i < 16; i += 1) cache.push(Array.from({ length: 1000 }, (_, j) => ({ j })));
  res.json({ entries: cache.length });
});
// A quote that takes `ms` of synchronous CPU: a burst of them queues behind one another.
app.get('/crunch', (req, res) => {
  burn(Number(req.query.ms ?? 400));
  res.json({ price: 42 });
});
// A report computed in slices of 150 ms with a turn of the loop between them: nothing is blocked for
// long, but the loop and a core are busy throughout; it misses its deadline.
app.get('/report', async (req, _res, next) => {
  const end = performance.now() + Number(req.query.ms ?? 5000);
  while (performance.now() < end) {
    burn(150);
    await new Promise((resolve) => setImmediate(resolve));
  }
  next(new Error('report deadline exceeded'));
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
