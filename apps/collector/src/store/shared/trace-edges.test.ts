import { describe, expect, it } from 'vitest';
import { decodeTraceEdges, encodeTraceEdges } from '../sqlite/edge-store.js';
import { type EdgeSpanRow, type TraceEdge, traceEdges } from './trace-edges.js';

let next = 1;
const id = () => Buffer.from((next++).toString(16).padStart(16, '0'), 'hex');
function row(over: Partial<EdgeSpanRow> & { service: string; kind: number }): EdgeSpanRow {
  return {
    span_id: id(),
    parent_span_id: null,
    failed: 0,
    db_system: null,
    http_method: null,
    peer: null,
    weight: null,
    ...over,
  };
}

describe('traceEdges', () => {
  it('finds service, database and uninstrumented-peer calls with their errors', () => {
    const entry = row({ service: 'gateway', kind: 2, failed: 1 });
    const callOrders = row({
      service: 'gateway',
      kind: 3,
      http_method: 'GET',
      parent_span_id: entry.span_id,
      failed: 1,
    });
    const orders = row({ service: 'orders', kind: 2, parent_span_id: callOrders.span_id, failed: 1 });
    const query = row({
      service: 'orders',
      kind: 3,
      db_system: 'postgresql',
      parent_span_id: orders.span_id,
      failed: 1,
    });
    const query2 = row({
      service: 'orders',
      kind: 3,
      db_system: 'postgresql',
      parent_span_id: orders.span_id,
    });
    const legacy = row({
      service: 'gateway',
      kind: 3,
      http_method: 'GET',
      peer: '127.0.0.1:8322',
      parent_span_id: entry.span_id,
    });
    expect(traceEdges([entry, callOrders, orders, query, query2, legacy])).toEqual([
      { source: 'gateway', target: 'orders', targetKind: 'service', calls: 1, errors: 1 },
      { source: 'orders', target: 'postgresql', targetKind: 'database', calls: 2, errors: 1 },
      { source: 'gateway', target: '127.0.0.1:8322', targetKind: 'uninstrumented', calls: 1, errors: 0 },
    ]);
  });

  it('does not count a call within one service, nor a server span whose caller has not arrived', () => {
    const handler = row({ service: 'orders', kind: 2, parent_span_id: id() });
    const internal = row({ service: 'orders', kind: 1, parent_span_id: handler.span_id });
    expect(traceEdges([handler, internal])).toEqual([]);
  });

  it('counts a span of a sampled trace as the requests it stands for', () => {
    const entry = row({ service: 'gateway', kind: 2, weight: 16 });
    const call = row({
      service: 'gateway',
      kind: 3,
      http_method: 'GET',
      parent_span_id: entry.span_id,
      weight: 16,
    });
    const orders = row({ service: 'orders', kind: 2, parent_span_id: call.span_id, weight: 16 });
    const query = row({
      service: 'orders',
      kind: 3,
      db_system: 'postgresql',
      parent_span_id: orders.span_id,
      weight: 16,
    });
    expect(traceEdges([entry, call, orders, query])).toEqual([
      { source: 'gateway', target: 'orders', targetKind: 'service', calls: 16, errors: 0 },
      { source: 'orders', target: 'postgresql', targetKind: 'database', calls: 16, errors: 0 },
    ]);
  });
});

describe('what a trace contributed to the map, as the traces table keeps it', () => {
  const edges: TraceEdge[] = [
    { source: 'gateway', target: 'orders', targetKind: 'service', calls: 1, errors: 1 },
    { source: 'orders', target: 'postgresql', targetKind: 'database', calls: 4, errors: 0 },
  ];

  it('reads back what it wrote, in about half the bytes of the objects', () => {
    const stored = encodeTraceEdges(edges);
    expect(decodeTraceEdges(stored)).toEqual(edges);
    expect(stored.length).toBeLessThan(JSON.stringify(edges).length * 0.6);
  });

  it('still reads the objects that databases written before hold, so a late span takes them back', () => {
    expect(decodeTraceEdges(JSON.stringify(edges))).toEqual(edges);
  });
});
