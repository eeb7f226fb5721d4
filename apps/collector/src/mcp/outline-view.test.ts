import type { Diagnosis } from '@faultline/diagnosis';
import type { WireTraceOutline } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { failingSpans, focusOnFailure } from './outline-view.js';

const id = (i: number) => i.toString(16).padStart(16, '0');

/**
 * entry(0) -> step(1) -> … -> step(depth) = origin's parent, which also has `siblings` children;
 * the origin is the last span. Spans listed in `failing` carry the failed flag.
 */
function outline(depth: number, siblings: number, failing: number[] = []): WireTraceOutline<Diagnosis> {
  const parent: number[] = [-1];
  for (let i = 1; i <= depth; i++) parent.push(i - 1);
  for (let i = 0; i < siblings; i++) parent.push(depth);
  parent.push(depth);
  const n = parent.length;
  const col = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
  return {
    traceId: 'a'.repeat(32),
    startTimeUnixNano: '0',
    spanCount: n,
    logCount: 0,
    services: ['svc'],
    names: ['span'],
    spans: {
      spanId: col((i) => i).map(id),
      parent,
      service: col(() => 0),
      name: col(() => 0),
      kind: col(() => 1),
      status: col((i) => (i <= depth || i === n - 1 ? 2 : 0)),
      startOffsetNs: col((i) => i * 1_000_000),
      durationNs: col(() => 1_000_000),
      flags: col((i) => (i <= depth || i === n - 1 || failing.includes(i) ? 1 : 0)),
    },
    statusMessages: {},
    missingParents: {},
    diagnosis: null,
    origin: null,
  };
}

const diagnosis = (o: WireTraceOutline<Diagnosis>, depth: number) =>
  ({
    originSpanId: o.spans.spanId.at(-1)!,
    path: [...o.spans.spanId.slice(0, depth + 1), o.spans.spanId.at(-1)!],
  }) as Diagnosis;

describe('focusOnFailure', () => {
  it('keeps a deep path to its first 4 and last 16 spans, entry first and origin last, and says so', () => {
    const o = outline(40, 0);
    const focus = focusOnFailure(o, diagnosis(o, 40));
    expect(focus.path).toHaveLength(20);
    expect(focus.path[0]).toMatchObject({ spanId: id(0), role: 'entry' });
    expect(focus.path.at(-1)).toMatchObject({ spanId: id(41), role: 'origin' });
    expect(focus.cut).toEqual(['22 spans in the middle of the failing path not shown']);
  });

  it('shows 8 of many siblings, failing ones first, then the nearest in time', () => {
    const o = outline(2, 500, [3]);
    const focus = focusOnFailure(o, diagnosis(o, 2));
    expect(focus.parent?.spanId).toBe(id(2));
    expect(focus.siblings).toHaveLength(8);
    // span 3 fails; the other seven are the ones started closest to the origin (the last spans).
    expect(focus.siblings.map((s) => s.spanId)).toEqual([3, 496, 497, 498, 499, 500, 501, 502].map(id));
    expect(focus.cut).toEqual(['492 more siblings of the origin not shown (500 in all)']);
  });

  it('lists the failing spans of a trace whose entry did not fail, capped', () => {
    const o = outline(0, 20, [1, 2, 3]);
    expect(failingSpans(o).rows.map((s) => s.spanId)).toEqual([0, 1, 2, 3, 21].map(id));
  });
});
