import type { Attributes, Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { diagnoseTrace } from '../src/index.js';
import { errorWithStack } from './fixtures/faults.js';
import { expressHandlerSpan, httpServerSpan, undiciFetchSpan } from './fixtures/instrumentations.js';
import { gatewayRequest } from './fixtures/services.js';
import { TraceBuilder } from './fixtures/trace-builder.js';

const MIB = 1024 * 1024;
const timeout = errorWithStack(
  'TimeoutError',
  'The operation was aborted due to timeout',
  23,
  'getPrice (/srv/gateway/src/routes/price.js:9:23)',
);

/** An ordinary process: a quiet loop, a third of the heap, a tenth of a core. */
const HEALTHY: Attributes = {
  'faultline.process.window_ms': 5000,
  'faultline.process.eventloop.delay_max_ms': 21,
  'faultline.process.eventloop.delay_p99_ms': 12,
  'faultline.process.eventloop.utilization': 0.12,
  'faultline.process.cpu.utilization': 0.1,
  'faultline.process.heap.used_bytes': 40 * MIB,
  'faultline.process.heap.limit_bytes': 2048 * MIB,
  'faultline.process.memory.rss_bytes': 110 * MIB,
  'faultline.process.gc.pause_ms': 30,
  'faultline.process.active_requests': 3,
  'faultline.process.cpu.count': 2,
};

const BLOCKED: Attributes = {
  ...HEALTHY,
  'faultline.process.eventloop.delay_max_ms': 1400,
  'faultline.process.eventloop.delay_p99_ms': 1400,
  'faultline.process.eventloop.utilization': 0.35,
  'faultline.process.cpu.utilization': 0.3,
};

/**
 * gateway (timeout 300 ms) -> pricing. `pricing` places pricing's server span (absent: never exported)
 * and the figures it carried.
 */
function timedOutCall(pricing?: {
  startMs: number;
  endMs: number;
  attributes?: Attributes;
  status?: number;
}): {
  spans: Span[];
  fetch: Span;
  server?: Span;
} {
  const t = new TraceBuilder();
  const g = gatewayRequest(t, { status: 504, endMs: 310, handlerError: timeout });
  Object.assign(g.server.attributes, HEALTHY);
  const fetch = undiciFetchSpan(t, {
    service: 'gateway',
    parent: g.handler,
    method: 'GET',
    url: 'http://localhost:4002/price/42',
    error: timeout,
    startMs: 2,
    endMs: 302,
  });
  let server: Span | undefined;
  if (pricing) {
    server = httpServerSpan(t, {
      service: 'pricing',
      parent: fetch,
      method: 'GET',
      route: '/price/:id',
      path: '/price/42',
      port: 4002,
      status: pricing.status ?? 200,
      startMs: pricing.startMs,
      endMs: pricing.endMs,
    });
    Object.assign(server.attributes, pricing.attributes ?? {});
  }
  for (const span of t.spans) span.resource['host.id'] = 'host-1';
  return { spans: t.spans, fetch, server };
}

describe('a call that timed out waiting for a saturated callee names the callee', () => {
  it("pricing's blocked event loop: origin pricing, cause upstream_timeout, the saturation in words and evidence", () => {
    // Pricing's loop was held 1.4 s by synchronous work; it only parsed the request after the gateway gave up.
    const { spans, server } = timedOutCall({ startMs: 1402, endMs: 1405, attributes: BLOCKED });
    const d = diagnoseTrace(spans)!;
    expect(d.cause).toBe('upstream_timeout');
    expect(d.originService).toBe('pricing');
    expect(d.originSpanId).toBe(server!.spanId);
    expect(d.path.at(-1)).toBe(server!.spanId);
    expect(d.summary).toBe(
      "504 originated in pricing › GET /price/:id: pricing's event loop was blocked for 1.4 s and pricing only started on the request 1.4 s after it was sent, after the caller had given up; the call from gateway timed out after 300 ms waiting for it.",
    );
    expect(d.evidence.saturation).toMatchObject({
      role: 'callee',
      service: 'pricing',
      spanId: server!.spanId,
      saturated: ['event_loop_blocked', 'late_start'],
      eventLoopDelayMaxMs: 1400,
      heapUsedBytes: 40 * MIB,
    });
    expect(d.evidence.startLagMs).toBe(1400);
    // The failure group is pricing's route, not the gateway's call.
    expect(d.evidence.operation).toBe('GET /price/:id');
    expect(d.evidence.httpRoute).toBe('/price/:id');
    expect(d.nextSteps[0]).toMatch(/synchronous work that held pricing's event loop.*--cpu-prof/);
    expect(d.nextSteps.some((s) => /shed load/.test(s))).toBe(true);
    expect(d.processes?.map((p) => [p.service, p.saturated])).toEqual([
      ['gateway', []],
      ['pricing', ['event_loop_blocked', 'late_start']],
    ]);
  });

  it('a callee that started on time and was still running with its loop blocked is named too', () => {
    const { spans } = timedOutCall({ startMs: 3, endMs: 1403, attributes: BLOCKED });
    const d = diagnoseTrace(spans)!;
    expect(d.originService).toBe('pricing');
    expect(d.summary).toMatch(
      /: pricing's event loop was blocked for 1\.4 s; the call from gateway timed out after 300 ms waiting for it\.$/,
    );
    expect(d.evidence.saturation?.saturated).toEqual(['event_loop_blocked']);
    expect(d.evidence.startLagMs).toBeUndefined();
    expect(d.evidence.upstream).toMatchObject({ service: 'pricing', outcome: 'still running' });
  });

  it('a late start alone (no figures: an older instrumentation) is saturation of the callee', () => {
    const { spans, server } = timedOutCall({ startMs: 900, endMs: 905 });
    // Parsed after the caller had gone, it never reached its router: named by method, no http.route.
    server!.name = 'GET';
    delete server!.attributes['http.route'];
    const d = diagnoseTrace(spans)!;
    expect(d.summary).toMatch(/^504 originated in pricing › GET \/price\/42: /);
    // A path would make a group per id: the group stays the call's operation.
    expect(d.evidence.operation).toBe('GET localhost:4002');
    expect(d.originService).toBe('pricing');
    expect(d.evidence.saturation?.saturated).toEqual(['late_start']);
    expect(d.evidence.startLagMs).toBe(898);
    expect(d.summary).toMatch(
      /pricing only started on the request 898 ms after it was sent, after the caller had given up/,
    );
  });

  it('a healthy callee changes nothing: the verdict stays the gateway call, without saturation evidence', () => {
    const { spans, fetch } = timedOutCall({ startMs: 3, endMs: 1403, attributes: HEALTHY });
    const d = diagnoseTrace(spans)!;
    expect(d.originSpanId).toBe(fetch.spanId);
    expect(d.originService).toBe('gateway');
    expect(d.evidence.saturation).toBeUndefined();
    expect(d.evidence.startLagMs).toBeUndefined();
    expect(d.summary).not.toMatch(/event loop|heap|CPU|garbage|only started/);
    expect(d.processes?.map((p) => [p.service, p.saturated])).toEqual([['gateway', []]]);
  });

  it("the callee's span missing entirely (never exported) leaves the verdict on the call", () => {
    const { spans, fetch } = timedOutCall();
    const d = diagnoseTrace(spans)!;
    expect(d.originSpanId).toBe(fetch.spanId);
    expect(d.cause).toBe('upstream_timeout');
    expect(d.evidence.saturation).toBeUndefined();
  });

  it('a callee on another host needs its lag beyond the 500 ms skew tolerance', () => {
    const near = timedOutCall({ startMs: 600, endMs: 605 });
    for (const s of near.spans)
      if (s.service === 'pricing') s.resource = { ...s.resource, 'host.id': 'host-2' };
    expect(diagnoseTrace(near.spans)!.originService).toBe('gateway');
    const far = timedOutCall({ startMs: 900, endMs: 905 });
    for (const s of far.spans)
      if (s.service === 'pricing') s.resource = { ...s.resource, 'host.id': 'host-2' };
    expect(diagnoseTrace(far.spans)!.originService).toBe('pricing');
  });
});

describe('a late start is judged against what the caller was doing', () => {
  it('a callee that started 498 ms after the call while its caller still waited did not start late', () => {
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 504, endMs: 1010, handlerError: timeout });
    Object.assign(g.server.attributes, HEALTHY);
    const fetch = undiciFetchSpan(t, {
      service: 'gateway',
      parent: g.handler,
      method: 'GET',
      url: 'http://localhost:4002/price/42',
      error: timeout,
      startMs: 2,
      endMs: 1002,
    });
    const server = httpServerSpan(t, {
      service: 'pricing',
      parent: fetch,
      method: 'GET',
      route: '/price/:id',
      path: '/price/42',
      port: 4002,
      status: 200,
      startMs: 500,
      endMs: 1500,
    });
    Object.assign(server.attributes, HEALTHY);
    for (const span of t.spans) span.resource['host.id'] = 'host-1';
    const d = diagnoseTrace(t.spans)!;
    expect(d.originService).toBe('gateway');
    expect(d.evidence.saturation).toBeUndefined();
    // Pricing is not on the failing path: the path ends at the gateway's call.
    expect(d.processes?.map((p) => p.service)).toEqual(['gateway']);
  });
});

describe('clock skew is not a late start', () => {
  it('a callee whose clock runs 5 s ahead, whose answer the caller received, did not start late', () => {
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 500, endMs: 40 });
    const fetch = undiciFetchSpan(t, {
      service: 'gateway',
      parent: g.handler,
      method: 'GET',
      url: 'http://localhost:4002/price/42',
      status: 500,
      startMs: 2,
      endMs: 30,
    });
    const server = httpServerSpan(t, {
      service: 'pricing',
      parent: fetch,
      method: 'GET',
      route: '/price/:id',
      path: '/price/42',
      port: 4002,
      status: 500,
      startMs: 5003,
      endMs: 5020,
    });
    Object.assign(server.attributes, HEALTHY);
    const d = diagnoseTrace(t.spans)!;
    expect(d.originService).toBe('pricing');
    expect(d.evidence.saturation).toBeUndefined();
    expect(d.processes).toEqual([expect.objectContaining({ service: 'pricing', saturated: [] })]);
    expect(d.processes?.[0]?.startLagMs).toBeUndefined();
  });
});

describe('a failure in a saturated process keeps its own cause', () => {
  function pricingThrows(attributes: Attributes): { spans: Span[]; handler: Span } {
    const t = new TraceBuilder();
    const server = httpServerSpan(t, {
      service: 'pricing',
      method: 'GET',
      route: '/price/:id',
      path: '/price/42',
      port: 4002,
      status: 500,
      startMs: 0,
      endMs: 40,
    });
    Object.assign(server.attributes, attributes);
    const handler = expressHandlerSpan(t, {
      service: 'pricing',
      parent: server,
      route: '/price/:id',
      error: errorWithStack(
        'RangeError',
        'Array buffer allocation failed',
        undefined,
        'load (/srv/pricing/src/cache.js:12:9)',
      ),
      startMs: 1,
      endMs: 39,
    });
    return { spans: t.spans, handler };
  }

  it('heap at 95% of its limit: exception stays the cause, the heap is evidence and a sentence', () => {
    const { spans, handler } = pricingThrows({
      ...HEALTHY,
      'faultline.process.heap.used_bytes': 61 * MIB,
      'faultline.process.heap.limit_bytes': 64 * MIB,
    });
    const d = diagnoseTrace(spans)!;
    expect(d.cause).toBe('exception');
    expect(d.originSpanId).toBe(handler.spanId);
    expect(d.summary).toMatch(
      /unhandled RangeError: Array buffer allocation failed.* When it failed, pricing's heap was at 95% of its limit \(61 of 64 MiB\)\.$/,
    );
    expect(d.evidence.saturation).toMatchObject({
      role: 'own',
      service: 'pricing',
      saturated: ['heap_near_limit'],
    });
    expect(d.nextSteps.some((s) => /--max-old-space-size/.test(s))).toBe(true);
    expect(d.processes?.[0]).toMatchObject({ service: 'pricing', saturated: ['heap_near_limit'] });
  });

  it('a late start alone does not make a failing process saturated: it failed by itself', () => {
    // Seen under ordinary load: a freshly started pair, the caller's first connection set-up.
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 500, endMs: 1300 });
    const fetch = undiciFetchSpan(t, {
      service: 'gateway',
      parent: g.handler,
      method: 'GET',
      url: 'http://localhost:4002/price/42',
      status: 500,
      startMs: 2,
      endMs: 1290,
    });
    const server = httpServerSpan(t, {
      service: 'pricing',
      parent: fetch,
      method: 'GET',
      route: '/price/:id',
      path: '/price/42',
      port: 4002,
      status: 500,
      startMs: 1202,
      endMs: 1285,
    });
    Object.assign(server.attributes, HEALTHY);
    for (const span of t.spans) span.resource['host.id'] = 'host-1';
    const d = diagnoseTrace(t.spans)!;
    expect(d.originService).toBe('pricing');
    expect(d.evidence.saturation).toBeUndefined();
    expect(d.summary).not.toMatch(/When it failed/);
    expect(d.processes?.[0]).toMatchObject({ service: 'pricing', saturated: ['late_start'] });
  });

  it('healthy figures: the same failure gets no saturation, only its process picture', () => {
    const d = diagnoseTrace(pricingThrows(HEALTHY).spans)!;
    expect(d.evidence.saturation).toBeUndefined();
    expect(d.summary).not.toMatch(/When it failed/);
    expect(d.processes).toEqual([expect.objectContaining({ service: 'pricing', saturated: [] })]);
  });

  it('hostile figures (strings, negatives, NaN, a utilization past 1) are ignored, not believed', () => {
    const d = diagnoseTrace(
      pricingThrows({
        'faultline.process.eventloop.delay_max_ms': '<img src=x onerror=alert(1)>',
        'faultline.process.heap.used_bytes': -5,
        'faultline.process.heap.limit_bytes': 0,
        'faultline.process.cpu.utilization': Number.NaN,
        'faultline.process.eventloop.utilization': 7,
        'faultline.process.eventloop.delay_p99_ms': 900,
        'faultline.process.gc.pause_ms': { nested: 1 },
      }).spans,
    )!;
    expect(d.evidence.saturation).toBeUndefined();
    expect(d.processes?.[0]).toEqual({
      service: 'pricing',
      spanId: expect.any(String),
      eventLoopDelayP99Ms: 900,
      heapLimitBytes: 0,
      saturated: [],
    });
  });
});
