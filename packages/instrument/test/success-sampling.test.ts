import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { appForSuite, startApp } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { exceptionEvents, hasServerSpan, serverSpan } from './harness/trace-queries.js';

let collector: RunningCollector;
let app: AppProcess;

beforeAll(async () => {
  collector = await startCollector();
  app = await startApp('fastify-app.cjs', {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
      OTEL_SERVICE_NAME: 'busy-fastify',
      FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '5',
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

interface SearchPage {
  traces: { traceId: string; httpStatusCode: number | null }[];
}

describe('a busy service (successful traces sampled past 5 a second)', () => {
  it('exports every failing request whole and only a share of the successful ones, marked with their weight', async () => {
    const sent = 1200;
    let next = 0;
    const okTraceIds: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < sent) {
          next += 1;
          const response = await app.get('/ok');
          expect(response.status).toBe(200);
          okTraceIds.push(response.traceId!);
        }
      }),
    );
    for (const path of ['/throw', '/reject', '/throw']) {
      const failure = await app.get(path);
      expect(failure.status).toBe(500);
      const trace = await collector.waitForTrace(failure.traceId!, hasServerSpan);
      const server = serverSpan(trace)!;
      expect(exceptionEvents(server)).toHaveLength(1);
      expect(server.status.code).toBe('ERROR');
      expect(trace.diagnosis).not.toBeNull();
      // Most of these server spans only became spans as the request failed: same ids as the answer
      // named, the attributes read at its start, its start time before its end.
      expect(failure.headers.get('traceresponse')).toBe(`00-${trace.traceId}-${server.spanId}-01`);
      expect(server.attributes['url.path']).toBe(path);
      expect(server.attributes['http.request.method']).toBe('GET');
      expect(server.attributes['http.response.status_code']).toBe(500);
      expect(server.name).toBe(`GET ${path}`);
      expect(BigInt(server.endTimeUnixNano)).toBeGreaterThan(BigInt(server.startTimeUnixNano));
    }
    // A failed statement under a request whose trace would not have been kept: the whole trace is
    // exported, the statement span a child of the server span the answer named.
    const busy = await app.get('/sqlite-missing-table');
    expect(busy.status).toBe(500);
    const withChild = await collector.waitForTrace(
      busy.traceId!,
      (t) => hasServerSpan(t) && t.spans.length >= 2,
    );
    const busyServer = serverSpan(withChild)!;
    expect(busy.headers.get('traceresponse')).toBe(`00-${withChild.traceId}-${busyServer.spanId}-01`);
    const statement = withChild.spans.find((span) => span.attributes['db.system.name'] === 'sqlite');
    expect(statement?.parentSpanId).toBe(busyServer.spanId);
    expect(statement?.status.code).toBe('ERROR');
    // Statements of a request that was not going to be kept are held as data, not spans; when the
    // request fails they become spans after all: children of its server span, timed inside it.
    for (let i = 0; i < 3; i += 1) {
      const failed = await app.get('/sqlite-then-throw');
      expect(failed.status).toBe(500);
      const whole = await collector.waitForTrace(
        failed.traceId!,
        (t) => hasServerSpan(t) && t.spans.length >= 3,
      );
      const server = serverSpan(whole)!;
      const statements = whole.spans.filter((span) => span.attributes['db.system.name'] === 'sqlite');
      expect(statements.map((span) => span.name).sort()).toEqual(['SELECT', 'SELECT orders']);
      for (const span of statements) {
        expect(span.kind).toBe('CLIENT');
        expect(span.parentSpanId).toBe(server.spanId);
        expect(span.status.code).not.toBe('ERROR');
        expect(BigInt(span.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(server.startTimeUnixNano));
        expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));
        expect(BigInt(span.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(server.endTimeUnixNano));
      }
      expect(statements.find((span) => span.name === 'SELECT orders')?.attributes['db.query.text']).toBe(
        'SELECT id, total FROM orders WHERE id = ?',
      );
    }
    // A request that answers 200 after a statement failed and was handled: kept for the failed
    // statement, with the statement that succeeded before it.
    const recoveredIds = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const recovered = await app.get('/sqlite-recovers');
      recoveredIds.add(recovered.traceId!);
      expect(recovered.status).toBe(200);
      const whole = await collector.waitForTrace(
        recovered.traceId!,
        (t) => hasServerSpan(t) && t.spans.length >= 3,
      );
      const server = serverSpan(whole)!;
      expect(server.attributes['http.response.status_code']).toBe(200);
      const statements = whole.spans.filter((span) => span.attributes['db.system.name'] === 'sqlite');
      expect(statements.map((span) => [span.name, span.status.code]).sort()).toEqual([
        ['INSERT orders', 'ERROR'],
        ['SELECT orders', 'UNSET'],
      ]);
      expect(statements.every((span) => span.parentSpanId === server.spanId)).toBe(true);
    }
    await app.stop(); // flushes what is left

    const page = (await (
      await fetch(`${collector.apiUrl}/api/traces?service=busy-fastify&status=200&limit=1000`)
    ).json()) as SearchPage;
    const stored = new Set(page.traces.map((t) => t.traceId).filter((id) => !recoveredIds.has(id)));
    expect(stored.size).toBeGreaterThan(0);
    expect(stored.size).toBeLessThan(sent / 2);
    expect(okTraceIds.filter((id) => stored.has(id))).toHaveLength(stored.size);
    // Past the first second the kept ones each stand for 2^k requests.
    const kept = await Promise.all(
      [...stored].map(async (traceId) => serverSpan(await collector.waitForTrace(traceId, hasServerSpan))!),
    );
    // Kept successful server spans are whole, whether or not they waited to become spans.
    expect(kept.every((server) => server.attributes['url.path'] === '/ok' && server.name === 'GET /ok')).toBe(
      true,
    );
    const weights = kept.map((server) => server.attributes['faultline.sampling.adjusted_count']);
    expect(weights.some((weight) => typeof weight === 'number' && weight >= 2)).toBe(true);
  }, 60_000);
});

describe('a request whose context outlives it, under success sampling', () => {
  const outliving = appForSuite('fastify-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'outliving-fastify',
    FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '5',
  }));

  it("lets a finished request's objects go when something keeps its context (a timer, a cache)", async () => {
    // One connection a request (Connection: close), so no socket of the server holds on to one.
    const once = (pathname: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get(`${outliving().url}${pathname}`, { agent: false }, (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              body += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
    for (let i = 0; i < 200; i += 1) expect((await once('/outlived')).status).toBe(200);
    const counted = await once('/outlived/alive');
    expect(counted.status).toBe(200);
    // Most of these requests ran under a deferred server span (sampling past 5 a second), whose
    // record is part of the context the timers keep; it must not keep the request.
    expect(JSON.parse(counted.body)).toEqual({ sent: 200, alive: 0 });
  });
});

describe('spans that end after their request, under success sampling', () => {
  const late = appForSuite('fastify-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'late-fastify',
    FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '5',
    // The test's own question (have the statements run?) is not a request under test.
    FAULTLINE_IGNORE_PATHS: '/late-statement/ran',
  }));

  it('exports them with the trace their request was kept in, and never alone', async () => {
    const sent = 300;
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < sent) {
          next += 1;
          expect((await late().get('/late-statement')).status).toBe(200);
        }
      }),
    );
    // Every statement has run (each 20 ms after its answer) before the app stops.
    for (let ran = 0; ran < sent; ) {
      const answer = await late().get('/late-statement/ran');
      ran = (JSON.parse(answer.body) as { ran: number }).ran;
    }
    await late().stop(); // flushes what is left, undecided spans included

    const page = (await (
      await fetch(`${collector.apiUrl}/api/traces?service=late-fastify&limit=1000`)
    ).json()) as SearchPage;
    const traceIds = page.traces.map((t) => t.traceId);
    expect(traceIds.length).toBeGreaterThan(0);
    expect(traceIds.length).toBeLessThan(sent / 2);
    for (const traceId of traceIds) {
      const stored = await collector.waitForTrace(traceId, (t) => hasServerSpan(t) && t.spans.length >= 2);
      const server = serverSpan(stored)!;
      expect(server.name).toBe('GET /late-statement');
      const statement = stored.spans.find((span) => span.attributes['db.system.name'] === 'sqlite');
      expect(statement?.parentSpanId).toBe(server.spanId);
    }
  }, 60_000);
});
