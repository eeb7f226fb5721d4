import { buildTraceTree } from '@faultline/diagnosis';
import type { Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { type CriticalPath, findCriticalPath, segmentsBySpan } from './critical-path.js';

const T0 = 1_795_550_000_000_000_000n;
const ms = (value: number) => T0 + BigInt(Math.round(value * 1e6));

/** A span of one service (so no clock-skew correction moves it), from `startMs` to `endMs`. */
function span(spanId: string, parentSpanId: string | null, startMs: number, endMs: number): Span {
  return {
    traceId: 'ab'.repeat(16),
    spanId,
    parentSpanId,
    service: 'orders',
    name: spanId,
    kind: parentSpanId === null ? 'SERVER' : 'INTERNAL',
    startTimeUnixNano: ms(startMs),
    endTimeUnixNano: ms(endMs),
    status: { code: 'UNSET' },
    attributes: {},
    resource: {},
    events: [],
    links: [],
  } as Span;
}

function criticalPath(spans: Span[]): CriticalPath {
  return findCriticalPath(buildTraceTree(spans));
}

/** Segments as `span start-end` in ms, for reading test failures at a glance. */
function timeline(path: CriticalPath): string[] {
  return path.segments.map(
    (s) => `${s.spanId} ${Number(s.startNs - T0) / 1e6}-${Number(s.endNs - T0) / 1e6}`,
  );
}

describe('findCriticalPath', () => {
  it('follows the child that finished last, then walks back through the ones before it', () => {
    //   entry |................................|
    //   a        |.......|
    //   b                   |...........|
    //   c                      |....|            <- inside b's time: off the path
    const path = criticalPath([
      span('entry', null, 0, 33),
      span('a', 'entry', 3, 11),
      span('b', 'entry', 14, 26),
      span('c', 'entry', 17, 22),
    ]);
    expect([...path.spanIds].sort()).toEqual(['a', 'b', 'entry']);
    expect(timeline(path)).toEqual(['entry 0-3', 'a 3-11', 'entry 11-14', 'b 14-26', 'entry 26-33']);
  });

  it('takes only the later of two overlapping children', () => {
    //   parent |.........................|
    //   early     |............|
    //   late            |...........|      <- ends last; `early` ran in parallel and was not waited for
    const path = criticalPath([
      span('parent', null, 0, 100),
      span('early', 'parent', 10, 60),
      span('late', 'parent', 40, 90),
    ]);
    expect([...path.spanIds].sort()).toEqual(['late', 'parent']);
    expect(timeline(path)).toEqual(['parent 0-40', 'late 40-90', 'parent 90-100']);
  });

  it('descends through the generations that did the waiting', () => {
    const path = criticalPath([
      span('entry', null, 0, 100),
      span('handler', 'entry', 5, 95),
      span('query', 'handler', 10, 90),
      span('cache', 'handler', 6, 8),
    ]);
    expect(timeline(path)).toEqual([
      'entry 0-5',
      'handler 5-6',
      'cache 6-8',
      'handler 8-10',
      'query 10-90',
      'handler 90-95',
      'entry 95-100',
    ]);
  });

  it('counts a child that ends a hair after its parent (instrumentation order) as ending with it', () => {
    //   request  |..........|
    //   handler   |..........|   <- ends 2 ms later: @fastify/otel closes the request span first
    const path = criticalPath([span('request', null, 0, 100), span('handler', 'request', 1, 102)]);
    expect(timeline(path)).toEqual(['request 0-1', 'handler 1-100']);
  });

  it('leaves out a child that outlived its parent (fire and forget) and a zero-length one', () => {
    const path = criticalPath([
      span('entry', null, 0, 50),
      span('publish', 'entry', 10, 80),
      span('mark', 'entry', 20, 20),
    ]);
    expect([...path.spanIds]).toEqual(['entry']);
    expect(timeline(path)).toEqual(['entry 0-50']);
  });

  it('leaves out spans whose parent never arrived, and walks the entry alone', () => {
    const path = criticalPath([
      span('entry', null, 0, 50),
      span('db', 'entry', 10, 40),
      span('stray', 'ffffffffffffffff', 20, 45),
    ]);
    expect(path.spanIds.has('stray')).toBe(false);
    expect(timeline(path)).toEqual(['entry 0-10', 'db 10-40', 'entry 40-50']);
  });

  it('starts at the earliest span when the root itself is missing', () => {
    const path = criticalPath([span('orphan', 'ffffffffffffffff', 0, 30), span('child', 'orphan', 5, 25)]);
    expect(timeline(path)).toEqual(['orphan 0-5', 'child 5-25', 'orphan 25-30']);
  });

  it('breaks a tie between children ending together in favour of the one that started first', () => {
    const path = criticalPath([
      span('entry', null, 0, 100),
      span('short', 'entry', 60, 90),
      span('long', 'entry', 20, 90),
    ]);
    expect(timeline(path)).toEqual(['entry 0-20', 'long 20-90', 'entry 90-100']);
  });

  it('answers nothing for an empty trace', () => {
    expect(findCriticalPath(buildTraceTree([]))).toEqual({ spanIds: new Set(), segments: [] });
  });

  it('covers the entry span end to end, without gaps or overlaps, on a large irregular trace', () => {
    // A deterministic pseudo-random tree: children anywhere inside their parent, overlapping freely.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const spans = [span('s0', null, 0, 1000)];
    for (let i = 1; i < 400; i++) {
      const parent = spans[Math.floor(random() * spans.length)]!;
      const [pStart, pEnd] = [
        Number(parent.startTimeUnixNano - T0) / 1e6,
        Number(parent.endTimeUnixNano - T0) / 1e6,
      ];
      const start = pStart + random() * (pEnd - pStart);
      // Now and then a child runs past its parent, as fire-and-forget work does.
      const end = random() < 0.1 ? pEnd + (random() < 0.5 ? 2 : 50) : start + random() * (pEnd - start);
      spans.push(span(`s${i}`, parent.spanId, start, end));
    }
    const path = findCriticalPath(buildTraceTree(spans));
    expect(path.segments[0]!.startNs).toBe(ms(0));
    expect(path.segments.at(-1)!.endNs).toBe(ms(1000));
    for (let i = 1; i < path.segments.length; i++)
      expect(path.segments[i]!.startNs).toBe(path.segments[i - 1]!.endNs);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const segment of path.segments) {
      const owner = byId.get(segment.spanId)!;
      expect(path.spanIds.has(segment.spanId)).toBe(true);
      expect(segment.startNs >= owner.startTimeUnixNano && segment.endNs <= owner.endTimeUnixNano).toBe(true);
    }
    // Every span on the path hangs from another span on it, back to the entry.
    for (const id of path.spanIds) {
      const parent = byId.get(id)!.parentSpanId;
      if (parent !== null) expect(path.spanIds.has(parent)).toBe(true);
    }
  });

  it('walks a 10,000-deep chain without overflowing the stack', () => {
    const spans = [span('d0', null, 0, 20_000)];
    for (let i = 1; i < 10_000; i++) spans.push(span(`d${i}`, `d${i - 1}`, i, 20_000 - i));
    const path = criticalPath(spans);
    expect(path.spanIds.size).toBe(10_000);
    expect(path.segments).toHaveLength(2 * 10_000 - 1);
  });
});

describe('segmentsBySpan', () => {
  it('groups the path by span, listing a span its children covered entirely with no segment', () => {
    const path = criticalPath([
      span('entry', null, 0, 33),
      span('a', 'entry', 3, 11),
      span('b', 'entry', 14, 26),
      span('b1', 'b', 14, 26),
      span('off', 'entry', 15, 20),
    ]);
    const bySpan = segmentsBySpan(path);
    expect(bySpan.get('entry')).toHaveLength(3);
    expect(bySpan.get('a')).toHaveLength(1);
    expect(bySpan.get('b')).toEqual([]);
    expect(bySpan.get('b1')).toHaveLength(1);
    expect(bySpan.has('off')).toBe(false);
  });
});
