import { describe, expect, it } from 'vitest';
import { fromWireOutline, type SpanOutline, toWireOutline } from './trace-outline.js';

const T0 = 1_700_000_000_123_456_789n;
function outline(spanId: string, parentSpanId: string | null, startNs: bigint, endNs: bigint): SpanOutline {
  return {
    spanId,
    parentSpanId,
    service: spanId.startsWith('a') ? 'gateway' : 'orders',
    name: spanId.startsWith('c') ? 'pg.query' : `op ${spanId}`,
    kind: 'CLIENT',
    startTimeUnixNano: startNs,
    endTimeUnixNano: endNs,
    status: { code: 'UNSET' },
    failed: false,
    exception: false,
  };
}

const spans: SpanOutline[] = [
  // Not in start order, as a store may hand them out.
  { ...outline('b000000000000001', 'a000000000000001', T0 + 7n, T0 + 1_000_000_003n), kind: 'SERVER' },
  { ...outline('a000000000000001', null, T0, T0 + 2_000_000_000n), kind: 'SERVER' },
  {
    ...outline('c000000000000001', 'b000000000000001', T0 + 11n, T0 + 12n),
    status: { code: 'ERROR', message: 'timeout exceeded' },
    failed: true,
    exception: true,
  },
  outline('c000000000000002', 'b000000000000001', T0 + 13n, T0 + 14n),
  // Its parent never arrived.
  outline('d000000000000001', 'ffffffffffffffff', T0 + 20n, T0 + 20n),
];

describe('the trace outline on the wire', () => {
  it('comes back exactly as sent, through JSON, nanoseconds included', () => {
    const sent = {
      traceId: 'f'.repeat(32),
      spans,
      logCount: 3,
      diagnosis: { originSpanId: 'c0' },
      origin: {
        span: {
          traceId: 'f'.repeat(32),
          spanId: 'c000000000000001',
          parentSpanId: 'b000000000000001',
          service: 'orders',
          name: 'pg.query',
          kind: 'CLIENT' as const,
          startTimeUnixNano: T0 + 11n,
          endTimeUnixNano: T0 + 12n,
          status: { code: 'ERROR' as const, message: 'timeout exceeded' },
          attributes: { 'db.system': 'postgresql' },
          resource: { 'service.name': 'orders' },
          events: [],
          links: [],
        },
        logs: [],
      },
    };
    const wire = JSON.parse(JSON.stringify(toWireOutline(sent)));
    expect(fromWireOutline(wire)).toEqual(sent);
  });

  it('lists each service and span name once and refers to them, and to parents, by index', () => {
    const wire = toWireOutline({
      traceId: 'f'.repeat(32),
      spans,
      logCount: 0,
      diagnosis: null,
      origin: null,
    });
    expect(wire.services).toEqual(['orders', 'gateway']);
    expect(wire.names).toEqual([
      'op b000000000000001',
      'op a000000000000001',
      'pg.query',
      'op d000000000000001',
    ]);
    expect(wire.spans.name).toEqual([0, 1, 2, 2, 3]);
    expect(wire.spans.parent).toEqual([1, -1, 0, 0, -1]);
    expect(wire.missingParents).toEqual({ 4: 'ffffffffffffffff' });
    expect(wire.statusMessages).toEqual({ 2: 'timeout exceeded' });
    expect(wire.spans.flags).toEqual([0, 0, 3, 0, 0]);
    expect(wire.startTimeUnixNano).toBe(T0.toString());
    expect(wire.spans.startOffsetNs).toEqual([7, 0, 11, 13, 20]);
    expect(wire.spans.durationNs).toEqual([999_999_996, 2_000_000_000, 1, 1, 0]);
    expect(wire.spanCount).toBe(5);
  });

  it('sends an empty trace as empty columns', () => {
    const wire = toWireOutline({
      traceId: 'f'.repeat(32),
      spans: [],
      logCount: 0,
      diagnosis: null,
      origin: null,
    });
    expect(wire.spans.spanId).toEqual([]);
    expect(fromWireOutline(wire).spans).toEqual([]);
  });
});
