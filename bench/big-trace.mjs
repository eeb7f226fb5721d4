// Big-trace benchmark (issue 19 items 11 and 16): one trace of BENCH_BIG_SPANS spans (default
// 350,000) plus 2,000 ordinary traces in a real SQLite file, served by the built CLI. Measures, each
// while /healthz is polled every 20 ms: `GET /api/traces/:id` of the big trace (time, bytes, the
// collector's peak RSS) and a search that matches nothing (`attr=foo=bar`). BENCH_BIG_DB=file keeps
// the filled database for reuse. Figures go to bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Finalizer, SqliteStore } from '@faultline/collector';
import { startCollector } from './lib/collector.mjs';

const SPANS = Number(process.env.BENCH_BIG_SPANS ?? 350_000);
const SMALL_TRACES = 2_000;
const resource = { 'service.name': 'orders', 'service.version': '1.4.2', 'host.name': 'orders-7d9f8b-x2k4q' };

function span(traceId, parentSpanId, startNs, i) {
  return {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    parentSpanId,
    service: 'orders',
    name: i % 2 ? 'SELECT shop.orders' : 'GET /inventory/:sku',
    kind: i % 2 ? 'CLIENT' : 'INTERNAL',
    startTimeUnixNano: startNs + BigInt(i) * 1000n,
    endTimeUnixNano: startNs + BigInt(i) * 1000n + 500_000n,
    status: { code: 'UNSET' },
    attributes: {
      'db.system': 'postgresql',
      'db.namespace': 'shop',
      'db.query.text': `SELECT id, total FROM shop.orders WHERE id = $1 /* ${i} */`,
      'server.address': 'postgres.internal',
      'server.port': 5432,
      'code.function': 'loadOrder',
    },
    resource,
    events: [],
    links: [],
  };
}

async function fill(dbPath) {
  const store = new SqliteStore({ path: dbPath, retentionMs: 30 * 86_400_000, maxDbBytes: 1e12 });
  const finalizer = new Finalizer({
    store,
    batchSize: 1000,
    sliceMs: Number.POSITIVE_INFINITY,
    maxPerSlice: 64,
  });
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const bigId = randomBytes(16).toString('hex');
  const root = span(bigId, null, nowNs - 3_600_000_000_000n, 0);
  root.kind = 'SERVER';
  let batch = [root];
  for (let i = 1; i < SPANS; i++) {
    batch.push(span(bigId, root.spanId, root.startTimeUnixNano, i));
    if (batch.length === 5000) {
      await store.write(batch, []);
      batch = [];
    }
  }
  await store.write(batch, []);
  batch = [];
  for (let t = 0; t < SMALL_TRACES; t++) {
    const id = randomBytes(16).toString('hex');
    const start = nowNs - 3_000_000_000_000n + BigInt(t) * 1_000_000_000n;
    const r = span(id, null, start, 0);
    batch.push(r, ...Array.from({ length: 7 }, (_, i) => span(id, r.spanId, start, i + 1)));
    if (batch.length >= 4000) {
      await store.write(batch, []);
      batch = [];
    }
  }
  await store.write(batch, []);
  while ((await finalizer.finalizePending(Date.now(), Number.POSITIVE_INFINITY)) > 0);
  await store.close();
  return bigId;
}

/** Runs `work` while polling /healthz every 20 ms; the slowest health answer in ms. */
async function withHealthPolling(port, work) {
  let slowest = 0;
  let failed = 0;
  let done = false;
  const poll = (async () => {
    while (!done) {
      const started = performance.now();
      await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.arrayBuffer())
        .catch(() => failed++);
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await new Promise((r) => setTimeout(r, 50));
  const result = await work();
  done = true;
  await poll;
  return { ...result, slowestHealthMs: slowest, failedHealth: failed };
}

async function timed(url) {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  return { status: response.status, ms: performance.now() - started, bytes: body.length, body };
}

const dir = mkdtempSync(join(tmpdir(), 'faultline-big-'));
const dbPath = process.env.BENCH_BIG_DB ?? join(dir, 'big.db');
let bigId;
if (existsSync(dbPath)) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(dbPath, { readonly: true });
  bigId = db
    .prepare('SELECT lower(hex(trace_id)) FROM traces ORDER BY span_count DESC LIMIT 1')
    .pluck()
    .get();
  db.close();
} else {
  const started = performance.now();
  bigId = await fill(dbPath);
  console.log(
    `filled ${SPANS} + ${SMALL_TRACES * 8} spans in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
const collector = await startCollector(dbPath);
const base = `http://127.0.0.1:${collector.port}`;
try {
  await new Promise((r) => setTimeout(r, 1000));
  console.log(`idle peak RSS ${collector.peakRssMiB().toFixed(0)} MiB`);
  for (const [label, url] of [
    ['search attr=foo=bar', `${base}/api/traces?attr=foo=bar`],
    ['GET big trace', `${base}/api/traces/${bigId}`],
    ['GET big trace outline', `${base}/api/traces/${bigId}/outline`],
  ]) {
    const r = await withHealthPolling(collector.port, () => timed(url));
    const extra = r.body.length < 400 ? r.body : `${r.body.slice(0, 80)}…`;
    const json = JSON.parse(r.body);
    console.log(
      `${label}: ${r.status} ${r.ms.toFixed(0)} ms, ${(r.bytes / 1e6).toFixed(1)} MB, slowest /healthz ${r.slowestHealthMs.toFixed(0)} ms (${r.failedHealth} failed), peak RSS ${collector.peakRssMiB().toFixed(0)} MiB; cutShort=${json.cutShort} truncated=${json.truncated} spans=${json.spans?.length} ${r.bytes < 400 ? extra : ''}`,
    );
  }
  // The whole search, following `nextCursor` while it was cut short.
  const started = performance.now();
  let requests = 0;
  let cursor = '';
  do {
    const page = await (await fetch(`${base}/api/traces?attr=foo=bar${cursor}`)).json();
    requests++;
    cursor = page.cutShort && page.nextCursor ? `&cursor=${page.nextCursor}` : '';
  } while (cursor && requests < 100);
  console.log(
    `search attr=foo=bar to the end: ${requests} requests, ${(performance.now() - started).toFixed(0)} ms`,
  );
} finally {
  await collector.stop();
  if (!process.env.BENCH_BIG_DB) rmSync(dir, { recursive: true, force: true });
}
