import { describe, expect, it } from 'vitest';
import { expandResources, type WireTrace } from './trace-api.js';

const gateway = { 'service.name': 'gateway' };
const orders = { 'service.name': 'orders' };
const span = (spanId: string, resource: Record<string, string>) => ({
  traceId: 'a'.repeat(32),
  spanId,
  parentSpanId: null,
  service: resource['service.name']!,
  name: 'GET /',
  kind: 'SERVER' as const,
  startTimeUnixNano: '1',
  endTimeUnixNano: '2',
  durationMs: 0,
  status: { code: 'UNSET' as const },
  attributes: {},
  resource,
  events: [],
  links: [],
});

const full: WireTrace = {
  traceId: 'a'.repeat(32),
  spans: [span('1'.repeat(16), gateway), span('2'.repeat(16), orders), span('3'.repeat(16), orders)],
  logs: [],
  diagnosis: null,
};

describe('expandResources', () => {
  it('turns the compact answer back into the contract shape, one object per resource', () => {
    const shared = {
      traceId: full.traceId,
      resources: [gateway, orders],
      spans: full.spans.map(({ resource, ...s }) => ({ ...s, resourceRef: resource === gateway ? 0 : 1 })),
      logs: [],
      diagnosis: null,
    };
    const expanded = expandResources(shared);
    expect(expanded).toEqual(full);
    expect(expanded.spans[1]!.resource).toBe(expanded.spans[2]!.resource);
  });

  it('passes a full answer (a collector that ignores the parameter) through unchanged', () => {
    expect(expandResources(full)).toBe(full);
  });
});
