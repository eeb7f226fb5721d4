import type { Span } from '@faultline/model';
import { toWireLogRecord, toWireSpan } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { buildTraceTree, diagnoseTrace } from '../src/index.js';
import type { Fault } from './fixtures/faults.js';
import { expressHandlerSpan, httpServerSpan, pgQuerySpan } from './fixtures/instrumentations.js';
import { checkoutTrace } from './fixtures/scenarios.js';
import { TraceBuilder } from './fixtures/trace-builder.js';
import { spansFromWire } from './fixtures/wire-fixtures.js';

const FAULTS: Fault[] = [
  'pool_exhausted',
  'pg_statement_timeout',
  'sqlite_busy',
  'pg_missing_relation',
  'orders_exception',
  'orders_explicit_503',
];

function shiftService(spans: readonly Span[], service: string, byNs: bigint): Span[] {
  return spans.map((s) =>
    s.service === service
      ? {
          ...s,
          startTimeUnixNano: s.startTimeUnixNano + byNs,
          endTimeUnixNano: s.endTimeUnixNano + byNs,
          events: s.events.map((e) => ({ ...e, timeUnixNano: e.timeUnixNano + byNs })),
        }
      : s,
  );
}

describe('late-arriving and lost spans', () => {
  it.each(FAULTS)('%s: the verdict with more spans is at least as deep', (fault) => {
    const { spans } = checkoutTrace(fault);
    const gatewayOnly = diagnoseTrace(spans.filter((s) => s.service === 'gateway'))!;
    const all = diagnoseTrace(spans)!;
    expect(gatewayOnly.originService).toBe('gateway');
    expect(all.path.length).toBeGreaterThan(gatewayOnly.path.length);
    expect(all.path.slice(0, gatewayOnly.path.length)).toEqual(gatewayOnly.path);
  });

  it('diagnoses a trace whose root span has not arrived, entering at the earliest span', () => {
    const { spans, ids } = checkoutTrace('pool_exhausted');
    const d = diagnoseTrace(spans.filter((s) => s.spanId !== ids.gatewayServer))!;
    expect(d.path[0]).toBe(ids.gatewayRequest);
    expect(d.originSpanId).toBe(ids.db);
  });

  it('diagnoses the downstream service alone when the gateway has sent nothing yet', () => {
    const { spans, ids } = checkoutTrace('pg_missing_relation');
    const d = diagnoseTrace(spans.filter((s) => s.service === 'orders'))!;
    expect(d.path[0]).toBe(ids.ordersServer);
    expect(d.cause).toBe('db_error');
  });

  it('bridges a lost span in the middle of the path and says so', () => {
    const { spans, ids } = checkoutTrace('pool_exhausted');
    const d = diagnoseTrace(spans.filter((s) => s.spanId !== ids.fetch))!;
    expect(d.originSpanId).toBe(ids.db);
    expect(d.path).toContain(ids.ordersServer);
    expect(d.evidence.pathHasGap).toBe(true);
  });

  it('collapses duplicate copies of a span id (exporter retries) without changing the verdict', () => {
    const { spans, logs } = checkoutTrace('sqlite_busy');
    expect(diagnoseTrace([...spans, ...spans.map((s) => ({ ...s }))], logs)).toEqual(
      diagnoseTrace(spans, logs),
    );
  });

  it('gives the same verdict for a recorded trace loaded from the query API JSON', () => {
    const { spans, logs } = checkoutTrace('pool_exhausted');
    const json = JSON.parse(
      JSON.stringify({ spans: spans.map(toWireSpan), logs: logs.map(toWireLogRecord) }),
    );
    const recorded = spansFromWire(json);
    expect(diagnoseTrace(recorded.spans, recorded.logs)).toEqual(diagnoseTrace(spans, logs));
  });
});

describe('clock skew between services', () => {
  it.each([
    ['5 s behind', -5_000_000_000n],
    ['5 s ahead', 5_000_000_000n],
    ['30 ms behind', -30_000_000n],
  ])('orders running %s keeps the tree and the verdict', (_label, skewNs) => {
    const { spans, ids } = checkoutTrace('pool_exhausted');
    const skewed = shiftService(spans, 'orders', skewNs);
    const tree = buildTraceTree(skewed);
    const ordersServer = tree.nodesById.get(ids.ordersServer)!;
    expect(ordersServer.parent?.span.spanId).toBe(ids.fetch);
    expect(ordersServer.startNs).toBeGreaterThanOrEqual(ordersServer.parent!.startNs);
    expect(ordersServer.endNs).toBeLessThanOrEqual(ordersServer.parent!.endNs);
    const { evidence: skewedEvidence, ...skewedVerdict } = diagnoseTrace(skewed)!;
    const { evidence, ...verdict } = diagnoseTrace(spans)!;
    expect(skewedVerdict).toEqual(verdict);
    expect(skewedEvidence.pool).toEqual(evidence.pool);
  });
});

describe('edge shapes', () => {
  it('returns null for no spans', () => {
    expect(diagnoseTrace([])).toBeNull();
  });

  it('survives spans whose parent ids form a loop', () => {
    const t = new TraceBuilder();
    const server = httpServerSpan(t, {
      service: 'orders',
      method: 'GET',
      route: '/x',
      path: '/x',
      port: 1,
      status: 500,
      startMs: 0,
      endMs: 10,
    });
    t.span({
      service: 'orders',
      name: 'a',
      kind: 'INTERNAL',
      parent: '00000000000000bb',
      spanId: '00000000000000aa',
      startMs: 1,
      endMs: 2,
      status: { code: 'ERROR' },
    });
    t.span({
      service: 'orders',
      name: 'b',
      kind: 'INTERNAL',
      parent: '00000000000000aa',
      spanId: '00000000000000bb',
      startMs: 1,
      endMs: 2,
    });
    const d = diagnoseTrace(t.spans)!;
    expect(d.path[0]).toBe(server.spanId);
    expect(buildTraceTree(t.spans).roots).toHaveLength(2);
  });

  it('handles 10,000 spans: wide fan-out of queries and a deep chain', () => {
    const t = new TraceBuilder();
    const server = httpServerSpan(t, {
      service: 'orders',
      method: 'GET',
      route: '/report',
      path: '/report',
      port: 4001,
      status: 500,
      startMs: 0,
      endMs: 20_000,
    });
    const handler = expressHandlerSpan(t, {
      service: 'orders',
      parent: server,
      route: '/report',
      startMs: 1,
      endMs: 19_999,
    });
    for (let i = 0; i < 5_000; i++) {
      pgQuerySpan(t, {
        service: 'orders',
        parent: handler,
        text: `SELECT * FROM lines WHERE id = ${i}`,
        startMs: 2 + i,
        endMs: 2.5 + i,
      });
    }
    let parent: Span = handler;
    for (let i = 0; i < 4_997; i++) {
      parent = t.span({
        service: 'orders',
        name: `step ${i}`,
        kind: 'INTERNAL',
        parent,
        startMs: 5_003 + i,
        endMs: 19_990 - i,
      });
    }
    const failing = pgQuerySpan(t, {
      service: 'orders',
      parent,
      text: 'SELECT * FROM totals',
      error: { code: '57014', message: 'canceling statement due to statement timeout' },
      startMs: 10_000,
      endMs: 11_000,
    });
    expect(t.spans.length).toBeGreaterThanOrEqual(10_000);
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(failing.spanId);
    expect(d.cause).toBe('db_timeout');
    expect(d.path).toHaveLength(5_000);
  });
});
