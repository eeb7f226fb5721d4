import { buildOutlineTree } from '@faultline/diagnosis';
import type { SpanOutline } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { matchingSpanIds, nextErrorIndex, stepRow } from './trace-navigation.js';
import { buildWaterfall } from './waterfall-model.js';

describe('nextErrorIndex', () => {
  it('finds the next failing span after the current one and wraps to the top', () => {
    const errors = [false, true, false, true];
    expect(nextErrorIndex(errors, -1)).toBe(1);
    expect(nextErrorIndex(errors, 1)).toBe(3);
    expect(nextErrorIndex(errors, 3)).toBe(1);
    expect(nextErrorIndex([false, false], 0)).toBe(-1);
  });
});

function span(spanId: string, parentSpanId: string | null, name: string, service: string): SpanOutline {
  return {
    spanId,
    parentSpanId,
    service,
    name,
    kind: 'INTERNAL',
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    status: { code: 'UNSET' },
    failed: false,
    exception: false,
  };
}

describe('stepRow and matchingSpanIds', () => {
  const model = buildWaterfall(
    buildOutlineTree([span('r', null, 'GET /orders', 'gateway'), span('c', 'r', 'pg.query', 'orders')]),
  );
  it('moves among visible rows and stops at the ends', () => {
    expect(stepRow(model, [0, 1], undefined, 1)).toBe(0);
    expect(stepRow(model, [0, 1], 'r', 1)).toBe(1);
    expect(stepRow(model, [0, 1], 'c', 1)).toBe(1);
    expect(stepRow(model, [0, 1], 'c', -1)).toBe(0);
  });
  it('matches span names and services case-insensitively', () => {
    expect([...matchingSpanIds(model, 'ORDERS')]).toEqual(['r', 'c']);
    expect([...matchingSpanIds(model, 'pg.')]).toEqual(['c']);
    expect(matchingSpanIds(model, '  ').size).toBe(0);
  });
});
