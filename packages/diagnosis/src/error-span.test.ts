import type { Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { exceptionEvent, TraceBuilder } from '../test/fixtures/trace-builder.js';
import { diagnoseTrace } from './diagnose-trace.js';
import { isClientError4xx, isErrorSpan } from './error-span.js';
import { isFailingEntry, isFailingTrace } from './failing-trace.js';

const t = new TraceBuilder();
function span(
  kind: Span['kind'],
  attributes: Span['attributes'],
  status: Span['status'] = { code: 'UNSET' },
  events: Span['events'] = [],
): Span {
  return t.span({ service: 's', name: 'op', kind, startMs: 0, endMs: 1, attributes, status, events });
}

describe('isErrorSpan', () => {
  it.each([
    ['status ERROR', span('INTERNAL', {}, { code: 'ERROR' }), true],
    ['a server that answered 500 (new key)', span('SERVER', { 'http.response.status_code': 500 }), true],
    [
      'a server that answered 503 (old key, status left UNSET by an old instrumentation)',
      span('SERVER', { 'http.status_code': 503 }),
      true,
    ],
    ['a client that received 502 (old key)', span('CLIENT', { 'http.status_code': 502 }), true],
    [
      'a client that received 404 with status UNSET',
      span('CLIENT', { 'http.response.status_code': 404 }),
      false,
    ],
    [
      'a client that received 404 marked ERROR (undici)',
      span('CLIENT', { 'http.response.status_code': 404 }, { code: 'ERROR' }),
      true,
    ],
    ['a server that answered 404', span('SERVER', { 'http.response.status_code': 404 }), false],
    [
      'an exception event',
      span('INTERNAL', {}, { code: 'UNSET' }, [exceptionEvent(1, { name: 'Error', message: 'x' })]),
      true,
    ],
    [
      'an INTERNAL span carrying a 500 attribute',
      span('INTERNAL', { 'http.response.status_code': 500 }),
      false,
    ],
  ])('%s -> %s', (_case, s, expected) => {
    expect(isErrorSpan(s)).toBe(expected);
  });

  it('tells a received 4xx apart from other client failures', () => {
    expect(isClientError4xx(span('CLIENT', { 'http.response.status_code': 404 }, { code: 'ERROR' }))).toBe(
      true,
    );
    expect(isClientError4xx(span('CLIENT', { 'http.response.status_code': 503 }, { code: 'ERROR' }))).toBe(
      false,
    );
  });
});

describe('isFailingTrace', () => {
  it.each([
    ['answered 500', { 'http.response.status_code': 500 }, { code: 'ERROR' as const }, true],
    [
      'answered 200 although a call inside failed',
      { 'http.response.status_code': 200 },
      { code: 'UNSET' as const },
      false,
    ],
    ['answered 404 marked ERROR', { 'http.response.status_code': 404 }, { code: 'ERROR' as const }, false],
    ['ended in ERROR without a status', {}, { code: 'ERROR' as const }, true],
  ])('an entry that %s -> %s', (_case, attributes, status, expected) => {
    const b = new TraceBuilder();
    const root = b.span({
      service: 'gw',
      name: 'GET /',
      kind: 'SERVER',
      startMs: 0,
      endMs: 10,
      attributes,
      status,
    });
    b.span({
      service: 'gw',
      name: 'GET',
      kind: 'CLIENT',
      parent: root,
      startMs: 1,
      endMs: 2,
      attributes: { 'http.response.status_code': 503 },
      status: { code: 'ERROR' },
    });
    expect(isFailingTrace(b.spans)).toBe(expected);
    expect(isFailingEntry(root)).toBe(expected);
  });
});

describe('isFailingTrace: a request the app marked failed', () => {
  /** A 200 (or `status`) entry with one INTERNAL child of `service` in ERROR, as Koa's middleware span. */
  function marked(options: { status?: number; attributes?: Record<string, string> }) {
    const b = new TraceBuilder();
    const root = b.span({
      service: 'shop',
      name: 'GET /orders',
      kind: 'SERVER',
      startMs: 0,
      endMs: 10,
      attributes: { 'http.response.status_code': options.status ?? 200, 'http.route': '/orders' },
    });
    const router = b.span({
      service: 'shop',
      name: 'middleware - router',
      kind: 'INTERNAL',
      parent: root,
      startMs: 1,
      endMs: 9,
    });
    b.span({
      service: 'shop',
      name: 'router - /orders',
      kind: 'INTERNAL',
      parent: router,
      startMs: 2,
      endMs: 8,
      attributes: options.attributes ?? {},
      status: { code: 'ERROR', message: 'order kept for manual review' },
    });
    return b;
  }

  it('fails when a span of its own handling ended in ERROR, though it answered 200', () => {
    const b = marked({});
    expect(isFailingTrace(b.spans)).toBe(true);
    expect(isFailingEntry(b.spans[0]!)).toBe(false);
    const diagnosis = diagnoseTrace(b.spans);
    expect(diagnosis).toMatchObject({
      originService: 'shop',
      originSpanId: b.spans[2]!.spanId,
      cause: 'exception',
    });
    expect(diagnosis?.summary).toBe(
      'Failure originated in shop › router - /orders: marked failed with no exception recorded (order kept for manual review).',
    );
  });

  it('reads the same when the app marked the server span itself (Express 5, Fastify 5)', () => {
    const b = new TraceBuilder();
    b.span({
      service: 'shop',
      name: 'GET /orders',
      kind: 'SERVER',
      startMs: 0,
      endMs: 10,
      attributes: { 'http.response.status_code': 200, 'http.route': '/orders' },
      status: { code: 'ERROR', message: 'order kept for manual review' },
    });
    expect(diagnoseTrace(b.spans)).toMatchObject({
      cause: 'exception',
      summary:
        'Failure originated in shop › GET /orders: marked failed with no exception recorded (order kept for manual review).',
    });
  });

  it.each([
    ['it answered 404', { status: 404 }],
    ['the span in ERROR is a query', { attributes: { 'db.system': 'sqlite' } }],
  ])('does not fail when %s', (_case, options) => {
    const b = marked(options);
    expect(isFailingTrace(b.spans)).toBe(false);
    expect(diagnoseTrace(b.spans)).toBeNull();
  });

  it('does not fail when a called service marked its own span ERROR and answered 200', () => {
    const b = new TraceBuilder();
    const root = b.span({
      service: 'shop',
      name: 'GET /orders',
      kind: 'SERVER',
      startMs: 0,
      endMs: 10,
      attributes: { 'http.response.status_code': 200 },
    });
    const call = b.span({ service: 'shop', name: 'GET', kind: 'CLIENT', parent: root, startMs: 1, endMs: 9 });
    const callee = b.span({
      service: 'stock',
      name: 'GET /stock',
      kind: 'SERVER',
      parent: call,
      startMs: 2,
      endMs: 8,
      attributes: { 'http.response.status_code': 200 },
    });
    b.span({
      service: 'stock',
      name: 'check',
      kind: 'INTERNAL',
      parent: callee,
      startMs: 3,
      endMs: 7,
      status: { code: 'ERROR', message: 'cache cold' },
    });
    expect(isFailingTrace(b.spans)).toBe(false);
  });
});
