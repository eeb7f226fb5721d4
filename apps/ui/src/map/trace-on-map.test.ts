import type { Diagnosis } from '@faultline/diagnosis';
import { fromWireSpan, type Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { poolExhaustedTrace } from '../../test/fixtures/pool-exhausted-trace.js';
import { edgeKey, traceOnMap } from './trace-on-map.js';

const spans = poolExhaustedTrace.spans.map(fromWireSpan);
const diagnosis = poolExhaustedTrace.diagnosis!;

describe('traceOnMap', () => {
  it('lights up the failing path: gateway -> orders -> postgresql, origin orders', () => {
    const lit = traceOnMap(spans, diagnosis);
    expect([...lit.nodes].sort()).toEqual(['gateway', 'orders', 'postgresql']);
    expect([...lit.calls.values()]).toEqual([
      { source: 'orders', target: 'postgresql', targetKind: 'database', calls: 1, errors: 1 },
      { source: 'gateway', target: 'orders', targetKind: 'service', calls: 1, errors: 1 },
    ]);
    expect(lit.originNode).toBe('orders');
    expect(lit.sequence).toEqual(['gateway', 'orders', 'postgresql']);
  });

  it('leaves out calls beside the failing path', () => {
    const side: Span = {
      ...spans.find((s) => s.name === 'auth.verify')!,
      spanId: 'aaaaaaaaaaaaaaaa',
      name: 'POST',
      kind: 'CLIENT',
      attributes: { 'http.request.method': 'POST', 'server.address': 'auth.internal', 'server.port': 9000 },
    };
    const lit = traceOnMap([...spans, side], diagnosis);
    expect(lit.nodes.has('auth.internal:9000')).toBe(false);
    const all = traceOnMap([...spans, side], null);
    expect(all.calls.get(edgeKey('gateway', 'auth.internal:9000'))).toMatchObject({
      targetKind: 'uninstrumented',
      calls: 1,
      errors: 0,
    });
    expect(all.originNode).toBeUndefined();
  });

  it('marks an uninstrumented peer as the origin when the failure came from it', () => {
    const call = spans.find((s) => s.spanId === diagnosis.path[1])!;
    const leaf: Span = { ...call, attributes: { ...call.attributes } };
    const peerFailure: Diagnosis = {
      ...diagnosis,
      cause: 'uninstrumented_upstream',
      originSpanId: leaf.spanId,
      originService: 'gateway',
      path: diagnosis.path.slice(0, 2),
      evidence: { ...diagnosis.evidence, peerAddress: 'orders.internal:3001' },
    };
    const onlyGateway = spans.filter((s) => s.service === 'gateway').map((s) => (s === call ? leaf : s));
    const lit = traceOnMap(onlyGateway, peerFailure);
    expect(lit.originNode).toBe('orders.internal:3001');
    expect([...lit.calls.keys()]).toEqual([edgeKey('gateway', 'orders.internal:3001')]);
    expect(lit.nodes).toEqual(new Set(['gateway', 'orders.internal:3001']));
    expect(lit.sequence).toEqual(['gateway', 'orders.internal:3001']);
  });

  it('copes with spans whose parent never arrived', () => {
    const orphaned = spans.filter((s) => s.service === 'orders');
    const lit = traceOnMap(orphaned, diagnosis);
    // The caller's CLIENT span is missing, so no gateway -> orders call can be shown; the rest still is.
    expect([...lit.calls.keys()]).toEqual([edgeKey('orders', 'postgresql')]);
    expect(lit.originNode).toBe('orders');
  });
});
