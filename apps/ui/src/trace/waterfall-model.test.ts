import { buildOutlineTree } from '@faultline/diagnosis';
import { fromWireOutline, type SpanOutline, toWireOutline } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { ancestorSpanIds, buildWaterfall, visibleRows } from './waterfall-model.js';

const T0 = 1_795_550_000_000_000_000n;
function span(spanId: string, parentSpanId: string | null, startMs: number, endMs: number): SpanOutline {
  return {
    spanId,
    parentSpanId,
    service: 'orders',
    name: spanId,
    kind: 'INTERNAL',
    startTimeUnixNano: T0 + BigInt(startMs * 1_000_000),
    endTimeUnixNano: T0 + BigInt(endMs * 1_000_000),
    status: { code: 'UNSET' },
    failed: false,
    exception: false,
  };
}

//  root |........................|  0-100 ms
//  a      |.......|                 10-40
//  a1       |..|                    15-20
//  b                 |.......|      50-90
const spans = [
  span('b', 'root', 50, 90),
  span('a1', 'a', 15, 20),
  span('root', null, 0, 100),
  span('a', 'root', 10, 40),
];

describe('buildWaterfall', () => {
  it('orders spans depth-first with children by start time, and places bars from the trace start', () => {
    const model = buildWaterfall(buildOutlineTree(spans));
    expect(model.nodes.map((n) => [n.span.spanId, n.depth, n.offsetMs, n.durationMs])).toEqual([
      ['root', 0, 0, 100],
      ['a', 1, 10, 30],
      ['a1', 2, 15, 5],
      ['b', 1, 50, 40],
    ]);
    expect(model.traceDurationMs).toBe(100);
    expect(model.nodes.map((n) => n.descendantCount)).toEqual([3, 1, 0, 0]);
  });

  it('hides a collapsed span’s descendants and nothing else', () => {
    const model = buildWaterfall(buildOutlineTree(spans));
    const ids = (collapsed: string[]) =>
      visibleRows(model, new Set(collapsed)).map((i) => model.nodes[i]!.span.spanId);
    expect(ids([])).toEqual(['root', 'a', 'a1', 'b']);
    expect(ids(['a'])).toEqual(['root', 'a', 'b']);
    expect(ids(['root'])).toEqual(['root']);
    expect(ancestorSpanIds(model, model.indexBySpanId.get('a1')!)).toEqual(['a', 'root']);
  });

  it('flattens a 10,000-deep chain without overflowing the stack', () => {
    const chain = [span('s0', null, 0, 10_000)];
    for (let i = 1; i < 10_000; i++) chain.push(span(`s${i}`, `s${i - 1}`, i * 0.5, 10_000 - i * 0.5));
    const model = buildWaterfall(buildOutlineTree(chain));
    expect(model.nodes).toHaveLength(10_000);
    expect(model.nodes[9_999]!.depth).toBe(9_999);
    expect(visibleRows(model, new Set(['s5000']))).toHaveLength(5_001);
  });

  it('draws the same rows from an outline that came over the wire: ids, parents, orphans, failures', () => {
    const sent = [
      ...spans,
      {
        ...span('lost', 'never-arrived', 60, 70),
        failed: true,
        status: { code: 'ERROR' as const, message: 'x' },
      },
    ];
    const wire = JSON.parse(
      JSON.stringify(
        toWireOutline({ traceId: 'a'.repeat(32), spans: sent, logCount: 0, diagnosis: null, origin: null }),
      ),
    );
    const received = buildWaterfall(buildOutlineTree(fromWireOutline(wire).spans));
    const local = buildWaterfall(buildOutlineTree(sent));
    expect(received).toEqual(local);
    expect(received.nodes.map((n) => [n.span.spanId, n.depth, n.orphan, n.span.failed])).toEqual([
      ['root', 0, false, false],
      ['a', 1, false, false],
      ['a1', 2, false, false],
      ['b', 1, false, false],
      ['lost', 0, true, true],
    ]);
    expect(received.nodes[4]!.span.status).toEqual({ code: 'ERROR', message: 'x' });
  });
});
