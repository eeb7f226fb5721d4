import { describe, expect, it } from 'vitest';
import type { Span } from './span.js';
import { fromWireSpan, toWireSpan } from './wire.js';

const span: Span = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: null,
  service: 'orders',
  name: 'GET /orders/:id',
  kind: 'SERVER',
  startTimeUnixNano: 1_700_000_000_123_456_789n,
  endTimeUnixNano: 1_700_000_000_135_790_123n,
  status: { code: 'ERROR', message: 'boom' },
  attributes: { 'http.response.status_code': 500 },
  resource: { 'service.name': 'orders' },
  events: [{ name: 'exception', timeUnixNano: 1_700_000_000_130_000_000n, attributes: {} }],
  links: [],
};

describe('wire conversion', () => {
  it('keeps nanosecond precision through JSON as decimal strings', () => {
    const wire = JSON.parse(JSON.stringify(toWireSpan(span)));
    expect(wire.startTimeUnixNano).toBe('1700000000123456789');
    expect(fromWireSpan(wire)).toEqual(span);
  });

  it('reports the duration in milliseconds with microsecond precision', () => {
    expect(toWireSpan(span).durationMs).toBe(12.333);
  });
});
