import type { Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { atMs, TraceBuilder } from '../test/fixtures/trace-builder.js';
import { isErrorSpan, isErrorSpanFacts } from './error-span.js';
import { buildOutlineTree, spanOutline } from './span-outline.js';
import { buildTraceTree, type TraceNode, type TreeSpan } from './trace-tree.js';

/** A tree as nested [name, orphan, start, end, children] lists, to compare two trees' shapes. */
function shape<S extends TreeSpan & { name: string }>(nodes: readonly TraceNode<S>[]): unknown[] {
  return nodes.map((n) => [n.span.name, n.orphan, n.failed, n.startNs, n.endNs, shape(n.children)]);
}

/** A messy trace: spans out of order, a skewed service, a lost parent, a 5xx without ERROR status. */
function messyTrace(): Span[] {
  const t = new TraceBuilder();
  const entry = t.span({ service: 'gateway', name: 'GET /', kind: 'SERVER', startMs: 0, endMs: 100 });
  const call = t.span({
    service: 'gateway',
    name: 'GET',
    kind: 'CLIENT',
    parent: entry,
    startMs: 5,
    endMs: 90,
  });
  // The orders host's clock runs 2 s ahead: its server span starts "after" the call ended.
  const server = t.span({
    service: 'orders',
    name: 'GET /orders',
    kind: 'SERVER',
    parent: call,
    startMs: 2006,
    endMs: 2080,
    attributes: { 'http.response.status_code': 503 },
  });
  t.span({
    service: 'orders',
    name: 'query',
    kind: 'CLIENT',
    parent: server,
    startMs: 2010,
    endMs: 2070,
    events: [{ name: 'exception', timeUnixNano: atMs(2070), attributes: { 'exception.type': 'Error' } }],
  });
  t.span({
    service: 'billing',
    name: 'lost child',
    kind: 'SERVER',
    parent: 'ffffffffffffffff',
    startMs: 3,
    endMs: 4,
  });
  return t.spans.reverse();
}

describe('span outlines', () => {
  it('build the same tree as the whole spans: order, skew correction, orphans and failures', () => {
    const spans = messyTrace();
    const whole = buildTraceTree(spans);
    const outlined = buildOutlineTree(spans.map(spanOutline));
    expect(shape(outlined.roots)).toEqual(shape(whole.roots));
    expect(outlined.entry?.span.spanId).toBe(whole.entry?.span.spanId);
  });

  it('say a span failed exactly when isErrorSpan does, 5xx and exception alone included', () => {
    const outlines = messyTrace().map(spanOutline);
    expect(outlines.filter((o) => o.failed).map((o) => o.name)).toEqual(['query', 'GET /orders']);
    expect(outlines.filter((o) => o.exception).map((o) => o.name)).toEqual(['query']);
  });
});

describe('isErrorSpanFacts', () => {
  it('judges the facts a store keeps in columns as isErrorSpan judges the span', () => {
    const t = new TraceBuilder();
    const cases: Span[] = [
      t.span({
        service: 's',
        name: 'error',
        kind: 'INTERNAL',
        startMs: 0,
        endMs: 1,
        status: { code: 'ERROR' },
      }),
      t.span({
        service: 's',
        name: '500 server',
        kind: 'SERVER',
        startMs: 0,
        endMs: 1,
        attributes: { 'http.response.status_code': 500 },
      }),
      t.span({
        service: 's',
        name: '500 internal',
        kind: 'INTERNAL',
        startMs: 0,
        endMs: 1,
        attributes: { 'http.status_code': 500 },
      }),
      t.span({
        service: 's',
        name: '404 client',
        kind: 'CLIENT',
        startMs: 0,
        endMs: 1,
        attributes: { 'http.response.status_code': 404 },
      }),
      t.span({ service: 's', name: 'ok', kind: 'CLIENT', startMs: 0, endMs: 1, status: { code: 'OK' } }),
    ];
    const http = (span: Span) =>
      span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];
    for (const span of cases) {
      const facts = {
        statusCode: span.status.code,
        kind: span.kind,
        httpStatusCode: http(span) as number | undefined,
        exception: false,
      };
      expect(isErrorSpanFacts(facts), span.name).toBe(isErrorSpan(span));
    }
  });
});
