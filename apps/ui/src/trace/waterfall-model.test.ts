import { buildTraceTree } from '@faultline/diagnosis';
import type { Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { ancestorSpanIds, buildWaterfall, visibleRows } from './waterfall-model.js';

const T0 = 1_795_550_000_000_000_000n;
function span(spanId: string, parentSpanId: string | null, startMs: number, endMs: number): Span {
  return {
    traceId: 'a'.repeat(32),
    spanId,
    parentSpanId,
    service: 'orders',
    name: spanId,
    kind: 'INTERNAL',
    startTimeUnixNano: T0 + BigInt(startMs * 1_000_000),
    endTimeUnixNano: T0 + BigInt(endMs * 1_000_000),
    status: { code: 'UNSET' },
    attributes: {},
    resource: {},
    events: [],
    links: [],
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
    const model = buildWaterfall(buildTraceTree(spans));
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
    const model = buildWaterfall(buildTraceTree(spans));
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
    const model = buildWaterfall(buildTraceTree(chain));
    expect(model.nodes).toHaveLength(10_000);
    expect(model.nodes[9_999]!.depth).toBe(9_999);
    expect(visibleRows(model, new Set(['s5000']))).toHaveLength(5_001);
  });
});
