import { describe, expect, it } from 'vitest';
import { diagnoseTrace } from '../src/index.js';
import { errorWithStack } from './fixtures/faults.js';
import { fallbackQuery, ordersRequest, redisSpan } from './fixtures/handled-scenario.js';
import { expressHandlerSpan, httpServerSpan } from './fixtures/instrumentations.js';
import { callOrders, gatewayRequest } from './fixtures/services.js';
import { TraceBuilder } from './fixtures/trace-builder.js';

/*
 * A handler catches a failing call, goes on (a later call succeeds), and the request then fails for a
 * reason of its own. Every rule is tested from both sides: the same trace without the evidence that the
 * request went on keeps the old verdict.
 */

describe('a failing call the handler recovered from is not the origin', () => {
  it('Redis refused, the database answered, then a 503: explicit_5xx, Redis under also happened', () => {
    const t = new TraceBuilder();
    const { server, handler } = ordersRequest(t, 503);
    const redis = redisSpan(t, { parent: handler, startMs: 2, endMs: 4, failed: 'exception' });
    const query = fallbackQuery(t, handler, 5, 9);
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(server.spanId);
    expect(d.cause).toBe('explicit_5xx');
    expect(d.otherFailures).toEqual([
      {
        spanId: redis.spanId,
        service: 'orders',
        name: 'get',
        reason: `connect ECONNREFUSED 127.0.0.1:6379 (handled: ${query.name} succeeded after it)`,
        handled: true,
        cause: 'upstream_unreachable',
      },
    ]);
    expect(d.summary).toBe(
      '503 originated in orders › GET /products/:id: the handler answered 503 itself, without an exception; ' +
        'a handled error preceded it: orders › get failed (connect ECONNREFUSED 127.0.0.1:6379), then ' +
        `${query.name} succeeded.`,
    );
  });

  it('without a call after it (the handler answered 503 on the Redis error), Redis stays the origin', () => {
    const t = new TraceBuilder();
    ordersRequest(t, 503);
    const redis = redisSpan(t, { parent: t.spans[1]!, startMs: 2, endMs: 4, failed: 'exception' });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(redis.spanId);
    expect(d.cause).toBe('upstream_unreachable');
    expect(d.otherFailures).toBeUndefined();
    expect(d.summary).not.toContain('handled');
  });

  it('a Redis error with ERROR status and no exception event is handled the same way', () => {
    const t = new TraceBuilder();
    const { server, handler } = ordersRequest(t, 503);
    const redis = redisSpan(t, { parent: handler, startMs: 2, endMs: 4, failed: 'status-only' });
    fallbackQuery(t, handler, 5, 9);
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(server.spanId);
    expect(d.otherFailures).toEqual([expect.objectContaining({ spanId: redis.spanId, handled: true })]);

    const alone = new TraceBuilder();
    const bare = ordersRequest(alone, 503);
    const only = redisSpan(alone, { parent: bare.handler, startMs: 2, endMs: 4, failed: 'status-only' });
    expect(diagnoseTrace(alone.spans)!.originSpanId).toBe(only.spanId);
  });

  it('a call that ran alongside the failure (started before it ended) is no proof the request went on', () => {
    const t = new TraceBuilder();
    const { handler } = ordersRequest(t, 503);
    // Promise.all: the query started at 3 ms, before Redis gave up at 6 ms.
    const redis = redisSpan(t, { parent: handler, startMs: 2, endMs: 6, failed: 'exception' });
    fallbackQuery(t, handler, 3, 5);
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(redis.spanId);
    expect(d.cause).toBe('upstream_unreachable');
  });

  it('a query started after a parallel Redis call failed is: the handler went on once it had failed', () => {
    const t = new TraceBuilder();
    const { server, handler } = ordersRequest(t, 503);
    redisSpan(t, { parent: handler, startMs: 2, endMs: 6, failed: 'exception' });
    fallbackQuery(t, handler, 3, 5);
    fallbackQuery(t, handler, 7, 9);
    expect(diagnoseTrace(t.spans)!.originSpanId).toBe(server.spanId);
  });

  it('retries that all failed: the last attempt stands; followed by a working fallback: all handled', () => {
    const failing = new TraceBuilder();
    const a = ordersRequest(failing, 503);
    const attempts = [2, 5, 8].map((startMs) =>
      redisSpan(failing, { parent: a.handler, startMs, endMs: startMs + 2, failed: 'exception' }),
    );
    const d = diagnoseTrace(failing.spans)!;
    expect(d.originSpanId).toBe(attempts[2]!.spanId);
    expect(d.cause).toBe('upstream_unreachable');
    expect(d.otherFailures?.map((f) => [f.spanId, f.handled])).toEqual([
      [attempts[0]!.spanId, undefined],
      [attempts[1]!.spanId, undefined],
    ]);

    const recovered = new TraceBuilder();
    const b = ordersRequest(recovered, 503);
    const tries = [2, 5, 8].map((startMs) =>
      redisSpan(recovered, { parent: b.handler, startMs, endMs: startMs + 2, failed: 'exception' }),
    );
    fallbackQuery(recovered, b.handler, 11, 14);
    const r = diagnoseTrace(recovered.spans)!;
    expect(r.originSpanId).toBe(b.server.spanId);
    expect(r.cause).toBe('explicit_5xx');
    expect(r.otherFailures?.map((f) => [f.spanId, f.handled])).toEqual(tries.map((s) => [s.spanId, true]));
    expect(r.summary).toContain('a handled error preceded it: orders › get failed');
    expect(r.summary).toContain('(and 2 more)');
  });

  it('a retry that succeeded is not the origin either (recovered by the same call)', () => {
    const t = new TraceBuilder();
    const { server, handler } = ordersRequest(t, 503);
    const first = redisSpan(t, { parent: handler, startMs: 2, endMs: 4, failed: 'exception' });
    redisSpan(t, { parent: handler, startMs: 5, endMs: 6 });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(server.spanId);
    expect(d.otherFailures).toEqual([
      expect.objectContaining({ spanId: first.spanId, reason: expect.stringContaining('later attempt') }),
    ]);
  });

  it('a later exception of its own is the origin; one that carries the Redis error on is not', () => {
    const typeError = errorWithStack(
      'TypeError',
      "Cannot read properties of undefined (reading 'price')",
      undefined,
      'priceOf (/srv/orders/src/products.js:31:18)',
    );
    const t = new TraceBuilder();
    const { handler } = ordersRequest(t, 500, typeError);
    const redis = redisSpan(t, { parent: handler, startMs: 2, endMs: 4, failed: 'exception' });
    fallbackQuery(t, handler, 5, 9);
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(handler.spanId);
    expect(d.cause).toBe('exception');
    expect(d.otherFailures).toEqual([expect.objectContaining({ spanId: redis.spanId, handled: true })]);

    const wrapped = errorWithStack(
      'Error',
      'cache unavailable: connect ECONNREFUSED 127.0.0.1:6379',
      undefined,
      'getProduct (/srv/orders/src/products.js:12:11)',
    );
    const w = new TraceBuilder();
    const rethrown = ordersRequest(w, 500, wrapped);
    const cause = redisSpan(w, { parent: rethrown.handler, startMs: 2, endMs: 4, failed: 'exception' });
    fallbackQuery(w, rethrown.handler, 5, 9);
    expect(diagnoseTrace(w.spans)!.originSpanId).toBe(cause.spanId);
  });

  it('when the handled error is the only failure on record, it stays the origin and the summary says so', () => {
    const t = new TraceBuilder();
    // A span that is ERROR and nothing more (no status code, message or exception of its own).
    const job = t.span({
      service: 'orders',
      name: 'refresh-prices',
      kind: 'SERVER',
      startMs: 0,
      endMs: 20,
      status: { code: 'ERROR' },
    });
    const redis = redisSpan(t, { parent: job, startMs: 2, endMs: 4, failed: 'exception' });
    const query = fallbackQuery(t, job, 5, 9);
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(redis.spanId);
    expect(d.cause).toBe('upstream_unreachable');
    expect(d.summary).toContain(
      `; it was handled (${query.name} succeeded after it) and nothing else failed on record.`,
    );
  });

  it('a request the app marked failed after a handled Redis error is the mark, with Redis also happened', () => {
    const t = new TraceBuilder();
    const server = httpServerSpan(t, {
      service: 'orders',
      method: 'GET',
      route: '/products/:id',
      path: '/products/42',
      port: 4001,
      status: 200,
      startMs: 0,
      endMs: 20,
    });
    // Koa: the app sets ERROR on the span its handler sees as active, and answers 200.
    const router = t.span({
      service: 'orders',
      name: 'router - /products/:id',
      kind: 'INTERNAL',
      parent: server,
      startMs: 1,
      endMs: 19,
      status: { code: 'ERROR', message: 'price stale: served from the database' },
    });
    const redis = redisSpan(t, { parent: router, startMs: 2, endMs: 4, failed: 'exception' });
    fallbackQuery(t, router, 5, 9);
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(router.spanId);
    expect(d.summary).toContain('marked failed with no exception recorded (price stale');
    expect(d.summary).toContain('a handled error preceded it: orders › get failed');
    expect(d.otherFailures).toEqual([expect.objectContaining({ spanId: redis.spanId, handled: true })]);
  });

  it('a thrown handler error stays the origin even when error middleware then makes a call', () => {
    const typeError = errorWithStack(
      'TypeError',
      "Cannot read properties of null (reading 'items')",
      undefined,
      'listItems (/srv/orders/src/cart.js:8:30)',
    );
    const t = new TraceBuilder();
    const server = httpServerSpan(t, {
      service: 'orders',
      method: 'GET',
      route: '/cart',
      path: '/cart',
      port: 4001,
      status: 500,
      startMs: 0,
      endMs: 20,
    });
    const handler = expressHandlerSpan(t, {
      service: 'orders',
      parent: server,
      route: '/cart',
      error: typeError,
      startMs: 1,
      endMs: 4,
    });
    // The error middleware reports the error to a tracker over HTTP; that is not the request going on.
    t.span({
      service: 'orders',
      name: 'POST',
      kind: 'CLIENT',
      parent: server,
      startMs: 6,
      endMs: 12,
      attributes: { 'http.request.method': 'POST', 'http.response.status_code': 202 },
    });
    expect(diagnoseTrace(t.spans)!.originSpanId).toBe(handler.spanId);
  });

  it('a gateway answering the very status its call received passed it on, whatever it called in between', () => {
    const deadlock = { code: '40P01', message: 'deadlock detected' };
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 500, endMs: 40 });
    const call = callOrders(t, g.handler, {
      startMs: 2,
      endMs: 12,
      status: 500,
      orders: { status: 500, dbError: deadlock },
    });
    t.span({
      service: 'gateway',
      name: 'POST',
      kind: 'CLIENT',
      parent: g.handler,
      startMs: 14,
      endMs: 20,
      attributes: { 'http.request.method': 'POST', 'http.response.status_code': 204 },
    });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(call.query!.spanId);
    expect(d.cause).toBe('db_error');
  });
});
