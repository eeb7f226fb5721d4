import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireSpan } from '@faultline/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { startApp } from './harness/app-process.js';
import type { RunningCollector, StoredTrace } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import type { RunningPostgres } from './harness/postgres.js';
import { postgresBinDir, startPostgres } from './harness/postgres.js';
import { serverSpan } from './harness/trace-queries.js';

/*
 * Under load, with success sampling active, every failing request's trace arrives whole: its server
 * span, the span of another instrumentation it failed in (pg, undici), and the parent of every span,
 * whether that span ended before the answer or after it (test/apps/late-failure-app.cjs).
 */

const binaries = postgresBinDir();
if (!binaries)
  console.warn('PostgreSQL binaries not found (set PG_BIN): skipping the late-failure load test');

/** Requests sent, over this many connections; every 10th fails, in turn on each FAILING route. */
const REQUESTS = 3600;
const CONNECTIONS = 24;
const FAILING = ['/pg-fail', '/pg-late', '/fetch-late', '/fetch-late-ok'] as const;
type FailingRoute = (typeof FAILING)[number];
const STATUS: Record<FailingRoute, number> = {
  '/pg-fail': 500,
  '/pg-late': 200,
  '/fetch-late': 502,
  '/fetch-late-ok': 200,
};

/** The span the request failed in: a pg query or an undici call, ERROR. */
function failedSpan(trace: StoredTrace, route: FailingRoute): WireSpan | undefined {
  const isPg = route.startsWith('/pg');
  return trace.spans.find(
    (span) =>
      span.status.code === 'ERROR' &&
      span.kind === 'CLIENT' &&
      (isPg
        ? span.attributes['db.system.name'] === 'postgresql'
        : span.attributes['http.response.status_code'] === 500),
  );
}

/** Spans whose parent is neither in the trace nor the server span's caller: a missing span. */
function orphans(trace: StoredTrace): WireSpan[] {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  return trace.spans.filter((span) => span.kind !== 'SERVER' && !ids.has(span.parentSpanId ?? ''));
}

function whole(route: FailingRoute): (trace: StoredTrace) => boolean {
  return (trace) =>
    serverSpan(trace) !== undefined && failedSpan(trace, route) !== undefined && orphans(trace).length === 0;
}

describe.skipIf(!binaries)('failing requests under load, failing in pg and undici spans', () => {
  let postgres: RunningPostgres;
  let collector: RunningCollector;
  let downstream: http.Server;
  let app: AppProcess;

  beforeAll(async () => {
    [postgres, collector] = await Promise.all([startPostgres(), startCollector()]);
    // Answers 500 at once and ends the body 30 ms later: the caller's span ends only then.
    downstream = http.createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.write('{"error":');
      setTimeout(() => res.end('"unavailable"}'), 30);
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    app = await startApp('late-failure-app.cjs', {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
        OTEL_SERVICE_NAME: 'late-failures',
        DATABASE_URL: postgres.url,
        DOWNSTREAM_URL: `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`,
        FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '5',
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await collector?.stop();
    downstream?.close();
    postgres?.stop();
  });

  it('exports the whole trace of every failing request: zero missing spans', async () => {
    const failing: Array<{ route: FailingRoute; traceId: string; header: string | null }> = [];
    let next = 0;
    let ok = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < REQUESTS) {
          const n = next;
          next += 1;
          const route = n % 10 === 9 ? FAILING[Math.floor(n / 10) % FAILING.length]! : '/ok';
          const response = await app.get(route);
          if (route === '/ok') {
            expect(response.status).toBe(200);
            ok += 1;
          } else {
            expect(response.status).toBe(STATUS[route as FailingRoute]);
            failing.push({
              route: route as FailingRoute,
              traceId: response.traceId!,
              header: response.headers.get('traceresponse'),
            });
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `late-failures: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)} req/s)`,
    );
    expect(failing).toHaveLength(REQUESTS / 10);
    expect(ok).toBe(REQUESTS - REQUESTS / 10);

    const missing: string[] = [];
    const deadline = Date.now() + 30_000;
    for (const { route, traceId, header } of failing) {
      const left = Math.max(500, deadline - Date.now());
      const trace = await collector.waitForTrace(traceId, whole(route), left).catch((error: Error) => {
        if (missing.length < 3) console.log(`${route} (${header}): ${error.message.slice(0, 200)}`);
        return undefined;
      });
      if (trace === undefined) {
        missing.push(`${route} ${traceId}`);
        const seen = await collector.waitForTrace(traceId, () => true, 1000).catch(() => undefined);
        console.log(
          JSON.stringify(
            seen?.spans.map((span) => [
              span.name,
              span.kind,
              span.status.code,
              span.spanId,
              span.parentSpanId,
            ]),
          ),
        );
      }
    }
    expect(missing).toEqual([]);
    // Each arrived with its failure as the diagnosis's evidence, not only its answer.
    const sample = failing.find((request) => request.route === '/pg-late')!;
    const trace = await collector.waitForTrace(sample.traceId, whole('/pg-late'));
    expect(failedSpan(trace, '/pg-late')!.parentSpanId).toBe(serverSpan(trace)!.spanId);
  }, 180_000);
});
