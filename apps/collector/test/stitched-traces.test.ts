/*
 * Traces a proxy broke, sent by the official OTLP exporter to a real collector: the caller's trace ends
 * in a client span that got a 500 with no server child, the callee's own trace holds the cause. The
 * verdict follows the call into the callee's trace whichever arrives first, and stitches nothing when
 * look-alike requests make the match ambiguous (docs/diagnosis.md, "Stitched traces").
 */

import type { Diagnosis } from '@faultline/diagnosis';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from './helpers/query-api.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
beforeAll(async () => {
  running = await startCollector({}, { diagnosisQuietMs: 100 });
});
afterAll(async () => {
  await running.stop();
});

/** Where the gateway thinks orders is: the proxy's address, which the proxy passes on as Host. */
const PROXY = { host: '127.0.0.1', port: 7070 };
let base = Date.now() - 60_000;

async function send(service: string, emit: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [
      new SimpleSpanProcessor(
        new OTLPTraceExporter({ url: `http://127.0.0.1:${running.otlpHttpPort}/v1/traces` }),
      ),
    ],
  });
  const traceId = emit(provider.getTracer('stitch-test'));
  await provider.shutdown();
  return traceId;
}

/** gateway: GET /api/orders/:id answered 500 after its fetch through the proxy got a 500. */
function sendCaller(startMs: number, endMs: number, path = '/orders/7'): Promise<string> {
  return send('gateway', (tracer) => {
    const server = tracer.startSpan(
      'GET /api/orders/:id',
      {
        kind: SpanKind.SERVER,
        startTime: base + startMs - 2,
        attributes: { 'http.request.method': 'GET', 'http.route': '/api/orders/:id' },
      },
      ROOT_CONTEXT,
    );
    const client = tracer.startSpan(
      'GET',
      {
        kind: SpanKind.CLIENT,
        startTime: base + startMs,
        attributes: {
          'http.request.method': 'GET',
          'url.full': `http://${PROXY.host}:${PROXY.port}${path}`,
          'server.address': PROXY.host,
          'server.port': PROXY.port,
          'http.response.status_code': 500,
        },
      },
      trace.setSpan(ROOT_CONTEXT, server),
    );
    client.setStatus({ code: SpanStatusCode.ERROR });
    client.end(base + endMs);
    server.setAttribute('http.response.status_code', 500);
    server.setStatus({ code: SpanStatusCode.ERROR });
    server.end(base + endMs + 2);
    return server.spanContext().traceId;
  });
}

/** orders, in a trace of its own (no traceparent arrived): its handler threw. */
function sendCallee(startMs: number, endMs: number, path = '/orders/7'): Promise<string> {
  return send('orders', (tracer) => {
    const server = tracer.startSpan(
      'GET /orders/:id',
      {
        kind: SpanKind.SERVER,
        startTime: base + startMs,
        attributes: {
          'http.request.method': 'GET',
          'http.route': '/orders/:id',
          'url.path': path,
          'url.scheme': 'http',
          'server.address': PROXY.host,
          'server.port': PROXY.port,
          'http.response.status_code': 500,
        },
      },
      ROOT_CONTEXT,
    );
    const handler = tracer.startSpan(
      'load order',
      { startTime: base + startMs + 1 },
      trace.setSpan(ROOT_CONTEXT, server),
    );
    const error = new RangeError('order 7 has no lines');
    handler.recordException(error);
    handler.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    handler.end(base + endMs - 1);
    server.setStatus({ code: SpanStatusCode.ERROR });
    server.end(base + endMs);
    return server.spanContext().traceId;
  });
}

const api = (url: string) => getJson(running, url);

/** Polls the trace page's outline (the finalizer's kept verdict once finalized) until `done` holds. */
async function outlineUntil(traceId: string, done: (diagnosis: Diagnosis) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${traceId}/outline`,
    });
    const diagnosis: Diagnosis | null = response.statusCode === 200 ? response.json().diagnosis : null;
    if (diagnosis && done(diagnosis)) return diagnosis;
    if (Date.now() > deadline) throw new Error(`outline of ${traceId}: ${JSON.stringify(diagnosis)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function until(done: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const stitched = (d: Diagnosis) => d.continuedIn !== undefined;

describe('a call whose trace context a proxy dropped', () => {
  it('is followed into the callee trace that arrived first, and kept as a span link', async () => {
    base += 5_000;
    const callee = await sendCallee(20, 90);
    const caller = await sendCaller(10, 100);
    const diagnosis = await outlineUntil(caller, stitched);
    expect(diagnosis).toMatchObject({
      originService: 'orders',
      cause: 'exception',
      continuedIn: { traceId: callee },
      evidence: { exceptionType: 'RangeError', entryStatusCode: 500 },
    });
    const body = await api(`/api/traces/${caller}`);
    expect(body.diagnosis).toMatchObject({ originService: 'orders', cause: 'exception' });
    const call = body.spans.find((s: { kind: string }) => s.kind === 'CLIENT');
    const calleeRoot = (await api(`/api/traces/${callee}`)).spans.find(
      (s: { parentSpanId: string | null }) => s.parentSpanId === null,
    );
    expect(call.links).toEqual([
      {
        traceId: callee,
        spanId: calleeRoot.spanId,
        attributes: expect.objectContaining({ 'faultline.link': 'stitched' }),
      },
    ]);
  });

  it('is followed into a callee trace that arrives after the caller was judged', async () => {
    base += 5_000;
    const caller = await sendCaller(10, 100);
    // Judged and counted as uninstrumented first: its callee has not arrived.
    await until(async () =>
      (await api('/api/failures')).groups.some(
        (g: { cause: string; latestTraceId: string }) =>
          g.cause === 'uninstrumented_upstream' && g.latestTraceId === caller,
      ),
    );
    const callee = await sendCallee(20, 90);
    const diagnosis = await outlineUntil(caller, stitched);
    expect(diagnosis).toMatchObject({
      originService: 'orders',
      cause: 'exception',
      continuedIn: { traceId: callee },
    });
  });

  it('is not followed when two look-alike requests were in flight together', async () => {
    // call 1 |....................|
    // call 2   |....................|
    // root A      |......|
    // root B         |......|           <- both roots fit both calls: no stitch either way.
    base += 5_000;
    const calleeA = await sendCallee(20, 60);
    const calleeB = await sendCallee(30, 70);
    const caller1 = await sendCaller(10, 100);
    const caller2 = await sendCaller(15, 105);
    for (const id of [calleeA, calleeB]) await outlineUntil(id, (d) => d.cause === 'exception');
    for (const id of [caller1, caller2]) {
      expect((await api(`/api/traces/${id}`)).diagnosis).toMatchObject({
        cause: 'uninstrumented_upstream',
        originService: 'gateway',
      });
      expect((await api(`/api/traces/${id}`)).diagnosis.continuedIn).toBeUndefined();
    }
  });

  it('is followed for look-alike requests in flight together when timing singles each one out', async () => {
    // call 1 |..............|
    // call 2          |..............|
    // root A   |....|                      <- only inside call 1
    // root B                  |....|       <- only inside call 2
    base += 5_000;
    const caller1 = await sendCaller(10, 110);
    const caller2 = await sendCaller(60, 160);
    const calleeA = await sendCallee(15, 50);
    const calleeB = await sendCallee(115, 150);
    expect(await outlineUntil(caller1, stitched)).toMatchObject({ continuedIn: { traceId: calleeA } });
    expect(await outlineUntil(caller2, stitched)).toMatchObject({ continuedIn: { traceId: calleeB } });
  });

  it('is not followed into a root of another path or peer', async () => {
    base += 5_000;
    const other = await sendCallee(20, 90, '/orders/8');
    const caller = await sendCaller(10, 100, '/orders/7');
    await outlineUntil(other, (d) => d.cause === 'exception');
    expect((await api(`/api/traces/${caller}`)).diagnosis).toMatchObject({
      cause: 'uninstrumented_upstream',
    });
  });
});
