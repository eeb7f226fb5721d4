import { describe, expect, it } from 'vitest';
import type { TraceSummary } from '../api/search-api.js';
import { mergeNewest } from './merge-pages.js';

const summary = (traceId: string, start: bigint, spanCount = 1): TraceSummary => ({
  traceId,
  rootService: 'gateway',
  rootName: 'GET /',
  startTimeUnixNano: start,
  endTimeUnixNano: start + 1n,
  durationMs: 0,
  spanCount,
  errorCount: 0,
  httpMethod: null,
  httpRoute: null,
  httpStatusCode: null,
  services: ['gateway'],
  cause: null,
  originService: null,
  group: null,
});

describe('mergeNewest', () => {
  it('adds new traces on top, refreshes changed ones and keeps older pages', () => {
    const shown = [summary('b', 20n), summary('a', 10n)];
    const fresh = [summary('c', 30n), summary('b', 20n, 5)];
    const merged = mergeNewest(shown, fresh);
    expect(merged.map((t) => t.traceId)).toEqual(['c', 'b', 'a']);
    expect(merged[1]!.spanCount).toBe(5);
  });
});
