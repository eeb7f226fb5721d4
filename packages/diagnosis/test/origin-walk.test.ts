import { describe, expect, it } from 'vitest';
import { diagnoseTrace } from '../src/index.js';
import { errorWithStack } from './fixtures/faults.js';
import {
  expressHandlerSpan,
  expressMiddlewareSpan,
  httpServerSpan,
  pgQuerySpan,
} from './fixtures/instrumentations.js';
import { checkoutTrace } from './fixtures/scenarios.js';
import { callOrders, gatewayRequest } from './fixtures/services.js';
import { exceptionEvent, TraceBuilder } from './fixtures/trace-builder.js';

const rethrown = errorWithStack(
  'Error',
  'orders answered 500',
  undefined,
  'getOrder (/srv/gateway/src/routes/orders.js:17:11)',
);
const deadlock = { code: '40P01', message: 'deadlock detected' };

describe('the origin is where the failure started, not where it surfaced', () => {
  it('follows a 503 the gateway answered as 500 into orders, and names the gateway as the transformer', () => {
    const { spans, ids } = checkoutTrace('orders_explicit_503', 'map500');
    const d = diagnoseTrace(spans)!;
    expect(d.originSpanId).toBe(ids.ordersServer);
    expect(d.cause).toBe('explicit_5xx');
    const transformers = d.propagatedBy!.filter((s) => s.transformed);
    expect(transformers).toEqual([
      expect.objectContaining({ spanId: ids.gatewayRequest, change: 'HTTP 503 -> HTTP 500' }),
    ]);
    expect(d.summary).toContain('gateway › request turned HTTP 503 into HTTP 500');
  });

  it('does not stop at a gateway that re-throws an upstream 500 as its own exception', () => {
    const { spans, ids } = checkoutTrace('pool_exhausted', 'rethrow');
    const d = diagnoseTrace(spans)!;
    expect(d.originSpanId).toBe(ids.db);
    const handlerStep = d.propagatedBy!.find((s) => s.spanId === ids.gatewayHandler);
    expect(handlerStep).toMatchObject({
      transformed: true,
      change: 'HTTP 500 -> Error: orders answered 500',
    });
  });

  it('follows a standalone Fastify SERVER span with an exception into the instrumented service its call reached', () => {
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 500, endMs: 20, error: rethrown, standalone: true });
    const call = callOrders(t, g.handler, {
      startMs: 2,
      endMs: 17,
      status: 500,
      orders: { status: 500, dbError: deadlock },
    });
    const d = diagnoseTrace(t.spans)!;
    expect(d.path[0]).toBe(g.request.spanId);
    expect(d.originSpanId).toBe(call.query!.spanId);
    expect(d.cause).toBe('db_error');
  });

  it('points at the handler that threw, not the framework SERVER span that recorded the same exception', () => {
    const t = new TraceBuilder();
    const error = errorWithStack(
      'RangeError',
      'Invalid time value',
      undefined,
      'formatDate (/srv/gateway/src/format.js:4:10)',
    );
    const g = gatewayRequest(t, { status: 500, endMs: 10, error, standalone: true });
    const d = diagnoseTrace(t.spans)!;
    expect(g.server.events).toHaveLength(1);
    expect(d.originSpanId).toBe(g.handler.spanId);
    expect(d.cause).toBe('exception');
    expect(d.summary).toMatch(
      /^500 originated in gateway › handler - getOrder: unhandled RangeError: Invalid time value at \/srv\/gateway\/src\/format\.js:4\.$/,
    );
  });

  it('points at the throwing handler, not the Express error middleware that passed the same error on', () => {
    const t = new TraceBuilder();
    const error = errorWithStack(
      'TypeError',
      "Cannot read properties of null (reading 'items')",
      undefined,
      'listItems (/srv/orders/src/cart.js:8:30)',
    );
    const server = httpServerSpan(t, {
      service: 'orders',
      method: 'GET',
      route: '/cart',
      path: '/cart',
      port: 4001,
      status: 500,
      startMs: 0,
      endMs: 10,
    });
    const handler = expressHandlerSpan(t, {
      service: 'orders',
      parent: server,
      route: '/cart',
      error,
      startMs: 1,
      endMs: 4,
    });
    expressMiddlewareSpan(t, {
      service: 'orders',
      parent: server,
      name: 'logErrors',
      error,
      startMs: 5,
      endMs: 6,
    });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(handler.spanId);
    expect(d.cause).toBe('exception');
    expect(d.otherFailures).toBeUndefined();
  });

  it('finds the failed query under a handler that caught it and answered 500 itself', () => {
    const t = new TraceBuilder();
    const server = httpServerSpan(t, {
      service: 'orders',
      method: 'POST',
      route: '/orders',
      path: '/orders',
      port: 4001,
      status: 500,
      startMs: 0,
      endMs: 10,
    });
    const handler = expressHandlerSpan(t, {
      service: 'orders',
      parent: server,
      route: '/orders',
      startMs: 1,
      endMs: 9,
    });
    const insert = pgQuerySpan(t, {
      service: 'orders',
      parent: handler,
      text: 'INSERT INTO orders (sku) VALUES ($1)',
      error: { code: '23505', message: 'duplicate key value violates unique constraint "orders_pkey"' },
      startMs: 2,
      endMs: 5,
    });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(insert.spanId);
    expect(d.cause).toBe('db_error');
    expect(d.path).toEqual([server.spanId, handler.spanId, insert.spanId]);
  });

  it('does not follow a 4xx the gateway received; the gateway answering 500 for it is the origin', () => {
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 500, endMs: 12 });
    const call = callOrders(t, g.handler, { startMs: 2, endMs: 8, status: 404, orders: { status: 404 } });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(g.request.spanId);
    expect(d.cause).toBe('explicit_5xx');
    expect(d.otherFailures).toEqual([
      expect.objectContaining({ spanId: call.fetch.spanId, reason: 'HTTP 404 (answered HTTP 404)' }),
    ]);
  });
});

describe('several failing children: follow the one the parent surfaced', () => {
  it('retries that recover leave no diagnosis', () => {
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 200, endMs: 30 });
    callOrders(t, g.handler, { startMs: 2, endMs: 10, status: 503, orders: { status: 503 } });
    callOrders(t, g.handler, { startMs: 12, endMs: 20, status: 200, orders: { status: 200 } });
    expect(diagnoseTrace(t.spans)).toBeNull();
  });

  it('a recovered retry is not blamed when the request later failed for another reason', () => {
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 500, endMs: 30 });
    const first = callOrders(t, g.handler, { startMs: 2, endMs: 10, status: 503, orders: { status: 503 } });
    callOrders(t, g.handler, { startMs: 12, endMs: 20, status: 200, orders: { status: 200 } });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(g.request.spanId);
    expect(d.otherFailures?.map((f) => f.spanId)).toContain(first.fetch.spanId);
  });

  it('retries that all fail lead into the last attempt and mention the earlier ones', () => {
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 500, endMs: 40, error: rethrown });
    const attempts = [2, 12, 22].map((startMs) =>
      callOrders(t, g.handler, {
        startMs,
        endMs: startMs + 8,
        status: 500,
        orders: { status: 500, dbError: deadlock },
      }),
    );
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(attempts[2]!.query!.spanId);
    expect(d.path).toContain(attempts[2]!.fetch.spanId);
    expect(d.otherFailures?.map((f) => f.spanId)).toEqual([
      attempts[0]!.fetch.spanId,
      attempts[1]!.fetch.spanId,
    ]);
  });

  it('fan-out with one failing branch leads into that branch', () => {
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 500, endMs: 20, error: rethrown });
    callOrders(t, g.handler, {
      startMs: 2,
      endMs: 9,
      path: '/orders/41',
      status: 200,
      orders: { status: 200 },
    });
    const failing = callOrders(t, g.handler, {
      startMs: 2.1,
      endMs: 12,
      path: '/orders/42',
      status: 500,
      orders: { status: 500, dbError: deadlock },
    });
    callOrders(t, g.handler, {
      startMs: 2.2,
      endMs: 8,
      path: '/orders/43',
      status: 200,
      orders: { status: 200 },
    });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(failing.query!.spanId);
    expect(d.otherFailures).toBeUndefined();
  });

  it('a call that failed after its caller had already thrown is not what it threw', () => {
    const t = new TraceBuilder();
    const error = errorWithStack(
      'Error',
      'orders answered 500',
      undefined,
      'getOrder (/srv/gateway/src/routes/orders.js:17:11)',
    );
    const g = gatewayRequest(t, { status: 500, endMs: 40 });
    // The handler throws at 12 ms, then waits for a cleanup call until 38 ms.
    Object.assign(g.handler, {
      status: { code: 'ERROR', message: error.message },
      events: [exceptionEvent(12, error)],
    });
    const thrown = callOrders(t, g.handler, {
      startMs: 2,
      endMs: 11,
      status: 500,
      orders: { status: 500, dbError: deadlock },
    });
    const cleanup = callOrders(t, g.handler, {
      startMs: 13,
      endMs: 30,
      path: '/orders/42/lock',
      status: 503,
    });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(thrown.query!.spanId);
    expect(d.otherFailures?.map((f) => f.spanId)).toContain(cleanup.fetch.spanId);
  });

  it('a callee that failed after its caller timed out is mentioned, not blamed', () => {
    const t = new TraceBuilder();
    const timeout = errorWithStack(
      'TimeoutError',
      'The operation was aborted due to timeout',
      23,
      'getOrder (/srv/gateway/src/routes/orders.js:9:23)',
    );
    const g = gatewayRequest(t, { status: 504, endMs: 1010, handlerError: timeout });
    const call = callOrders(t, g.handler, {
      startMs: 2,
      endMs: 1002,
      fetchError: timeout,
      orders: { status: 500, endMs: 2500, dbError: deadlock },
    });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(call.fetch.spanId);
    expect(d.cause).toBe('upstream_timeout');
    expect(d.otherFailures?.map((f) => f.spanId)).toContain(call.server!.spanId);
  });
});
