// Query benchmark: trace by id, search page (errors only, last hour), failures list and service map,
// p50/p99 through the HTTP API of a collector whose database holds N spans (BENCH_QUERY_SPANS, a
// comma list; default 1000000,10000000). The database is filled through the store's own write path
// (no HTTP, so filling is quick), in two states (BENCH_QUERY_STATES, default both):
// - `steady`: finalized as it is filled, through the collector's own Finalizer, as the collector keeps
//   up with six hours of traffic at this rate; the collector starts with nothing to finalize.
// - `backlog`: written in one go and never finalized, so the collector starts with every trace still
//   to finalize and the queries are measured while its finalizer works through that backlog.
// BENCH_QUERY_DB_DIR=dir keeps filled databases for reuse; BENCH_QUERY_FILL_ONLY=1 only fills them.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Finalizer, SqliteStore } from '@faultline/collector';
import { startCollector } from './lib/collector.mjs';
import { fmt, quantile } from './lib/stats.mjs';

const SIZES = (process.env.BENCH_QUERY_SPANS ?? '1000000,10000000').split(',').map(Number);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const STATES = (process.env.BENCH_QUERY_STATES ?? 'steady,backlog').split(',');
const SPANS_PER_TRACE = 8;

const resources = ['gateway', 'orders', 'inventory'].map((service) => ({
  'service.name': service,
  'service.version': '1.4.2',
  'host.name': `${service}-7d9f8b-x2k4q`,
  'telemetry.sdk.language': 'nodejs',
}));

/** One trace: gateway server -> client -> orders server -> db and http calls; one in ten fails. */
function makeTrace(startNs, failing) {
  const traceId = randomBytes(16).toString('hex');
  const spans = [];
  const span = (parent, service, name, kind, offsetMs, durMs, attributes, error) => {
    const s = {
      traceId,
      spanId: randomBytes(8).toString('hex'),
      parentSpanId: parent?.spanId ?? null,
      service,
      name,
      kind,
      startTimeUnixNano: startNs + BigInt(Math.round(offsetMs * 1e6)),
      endTimeUnixNano: startNs + BigInt(Math.round((offsetMs + durMs) * 1e6)),
      status: error ? { code: 'ERROR', message: error } : { code: 'UNSET' },
      attributes,
      resource: resources[['gateway', 'orders', 'inventory'].indexOf(service)],
      events: error
        ? [
            {
              name: 'exception',
              timeUnixNano: startNs,
              attributes: {
                'exception.type': 'Error',
                'exception.message': error,
                'exception.stacktrace': `Error: ${error}\n    at query (/srv/orders/src/db.js:12:7)`,
              },
            },
          ]
        : [],
      links: [],
    };
    spans.push(s);
    return s;
  };
  const status = failing ? 500 : 200;
  const entry = span(null, 'gateway', 'GET /api/orders/:id', 'SERVER', 0, 40, {
    'http.request.method': 'GET',
    'http.route': '/api/orders/:id',
    'http.response.status_code': status,
    'url.path': '/api/orders/42',
  });
  const call = span(entry, 'gateway', 'GET', 'CLIENT', 1, 38, {
    'http.request.method': 'GET',
    'url.full': 'http://orders:8321/orders/42',
    'http.response.status_code': status,
  });
  const orders = span(call, 'orders', 'GET /orders/:id', 'SERVER', 2, 36, {
    'http.request.method': 'GET',
    'http.route': '/orders/:id',
    'http.response.status_code': status,
  });
  for (let i = 0; i < SPANS_PER_TRACE - 4; i++) {
    span(orders, 'orders', 'pg.query:SELECT shop', 'CLIENT', 3 + i * 5, 4, {
      'db.system.name': 'postgresql',
      'db.query.text': 'SELECT * FROM orders WHERE id = $1',
    });
  }
  span(
    orders,
    'orders',
    'pg-pool.connect',
    'INTERNAL',
    30,
    5,
    { 'db.system.name': 'postgresql' },
    failing ? 'timeout exceeded when trying to connect' : undefined,
  );
  return spans;
}

async function fill(dbPath, spanCount, finalize) {
  const store = new SqliteStore({ path: dbPath, retentionMs: 30 * 86_400_000, maxDbBytes: 1e12 });
  // The collector's own finalizer and store methods; every trace here is written whole in one batch,
  // so it is complete (quiet) as soon as it is written.
  const finalizer = new Finalizer({
    store,
    batchSize: 1000,
    sliceMs: Number.POSITIVE_INFINITY,
    maxPerSlice: 64,
  });
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const traces = spanCount / SPANS_PER_TRACE;
  const spreadNs = 6n * 3_600_000_000_000n; // six hours of traffic
  let batch = [];
  const ids = [];
  const write = async () => {
    await store.write(batch, []);
    batch = [];
    if (finalize) while ((await finalizer.finalizePending(Date.now(), Number.POSITIVE_INFINITY)) > 0);
  };
  for (let t = 0; t < traces; t++) {
    const start = nowNs - spreadNs + (spreadNs * BigInt(t)) / BigInt(traces);
    const trace = makeTrace(start, t % 10 === 0);
    if (t % Math.ceil(traces / 1000) === 0) ids.push(trace[0].traceId);
    batch.push(...trace);
    if (batch.length >= 4096) await write();
  }
  if (batch.length) await write();
  await store.close();
  return ids;
}

/**
 * GETs a path over one keep-alive connection: node:http, not fetch, whose own overhead and garbage
 * (~0.6 ms a request here) would sit in every figure. Resolves with the status once the body is read.
 */
function get(agent, port, url) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: url, agent }, (response) => {
        response.on('data', () => {});
        response.on('end', () => resolve(response.statusCode));
      })
      .on('error', reject);
  });
}

/** Times `urls` one at a time, after `warmUp` requests (JIT, caches) that are not timed. */
async function timeRequests(label, port, urls, warmUp = urls) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const url of warmUp) await get(agent, port, url);
    const ms = [];
    for (const url of urls) {
      const started = performance.now();
      const status = await get(agent, port, url);
      if (status !== 200) throw new Error(`${label}: ${url} answered ${status}`);
      ms.push(performance.now() - started);
    }
    return { label, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
  } finally {
    agent.destroy();
  }
}

export async function runQueries() {
  const rows = [];
  for (const spans of SIZES) {
    for (const state of STATES) {
      // BENCH_QUERY_DB_DIR keeps the filled databases there and reuses them (fill once, measure when
      // the machine is quiet); without it they live in a temporary directory.
      const keep = process.env.BENCH_QUERY_DB_DIR;
      const dir = keep ?? mkdtempSync(join(tmpdir(), 'faultline-queries-'));
      try {
        const dbPath = join(dir, keep ? `q-${spans}-${state}.db` : 'q.db');
        const idsPath = `${dbPath}.ids.json`;
        let ids;
        if (keep && existsSync(idsPath)) {
          if (state === 'backlog') throw new Error('a kept backlog database is finalized by its first use');
          ids = JSON.parse(readFileSync(idsPath, 'utf8'));
          console.error(`reusing ${dbPath}`);
        } else {
          const started = performance.now();
          ids = await fill(dbPath, spans, state === 'steady');
          if (keep) writeFileSync(idsPath, JSON.stringify(ids));
          console.error(
            `filled ${fmt(spans)} spans (${state}) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
          );
        }
        if (process.env.BENCH_QUERY_FILL_ONLY) continue;
        const collector = await startCollector(dbPath, ['--max-db-size', '1000GiB']);
        // Wait for failure groups to be counted: at once when steady; with a backlog, until the
        // finalizer has worked through the most recent failing traces (up to 30 s).
        for (let i = 0; i < 30; i++) {
          const groups = await (await fetch(`http://127.0.0.1:${collector.port}/api/failures`)).json();
          if (groups.groups.some((g) => g.count > 1000)) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        // Timed requests read the traces at even positions, warm-ups those at odd ones.
        const pick = (i) => ids[((i * 7919) % Math.floor(ids.length / 2)) * 2];
        const pickWarm = (i) => ids[((i * 7919) % Math.floor(ids.length / 2)) * 2 + 1];
        const results = [
          // What a request that does nothing costs on this machine right now: the floor under every
          // p99 below (the machine is shared with other benchmarks).
          await timeRequests(
            'GET /healthz (noise floor)',
            collector.port,
            Array.from({ length: QUERIES }, () => '/healthz'),
          ),
          await timeRequests(
            'trace by id',
            collector.port,
            Array.from({ length: QUERIES }, (_, i) => `/api/traces/${pick(i)}`),
            Array.from({ length: QUERIES }, (_, i) => `/api/traces/${pickWarm(i)}`),
          ),
          await timeRequests(
            'search page (errors only, last hour)',
            collector.port,
            Array.from({ length: QUERIES }, () => `/api/traces?errors=true&start=${Date.now() - 3_600_000}`),
          ),
          await timeRequests(
            'failures list',
            collector.port,
            Array.from({ length: QUERIES }, () => '/api/failures'),
          ),
          await timeRequests(
            'service map (last hour)',
            collector.port,
            Array.from({ length: Math.min(QUERIES, 20) }, () => '/api/service-map'),
          ),
        ];
        await collector.stop();
        const bytes = statSync(dbPath).size;
        for (const r of results) rows.push({ spans, state, ...r });
        rows.push({ spans, state, label: 'disk', bytesPerSpan: bytes / spans });
      } finally {
        if (!keep) rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return rows;
}

const STATE_NAMES = { steady: 'finalized as filled', backlog: 'every trace still to finalize' };

export function queriesTable(rows) {
  const lines = ['| spans | database | query | p50 ms | p99 ms |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const head = `| ${fmt(r.spans)} | ${STATE_NAMES[r.state]} |`;
    if (r.label === 'disk')
      lines.push(`${head} bytes per span on disk (checkpointed) | ${r.bytesPerSpan.toFixed(0)} | |`);
    else lines.push(`${head} ${r.label} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(queriesTable(await runQueries()));
}
