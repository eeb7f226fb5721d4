import { spanOutline } from '@faultline/diagnosis';
import type { Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { makeSpan, newTraceId } from '../../test/helpers/make-span.js';
import { KEEP_MIN_SPANS, OutlineCache } from './outline-cache.js';

function traceOf(spanCount: number): { traceId: string; spans: Span[] } {
  const traceId = newTraceId();
  return { traceId, spans: Array.from({ length: spanCount }, () => makeSpan({ traceId })) };
}

describe('OutlineCache', () => {
  it('keeps a big judged trace for its counts only, and forgets it once they change', () => {
    const cache = new OutlineCache();
    const { traceId, spans } = traceOf(KEEP_MIN_SPANS);
    cache.keepJudged(traceId, { spans, logs: [] }, null);
    const body = cache.get(traceId, { spanCount: KEEP_MIN_SPANS, logCount: 0 });
    expect(JSON.parse(body!.toString()).spanCount).toBe(KEEP_MIN_SPANS);
    expect(cache.get(traceId, { spanCount: KEEP_MIN_SPANS, logCount: 1 })).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not keep small traces, nor a trace read with two copies of one span', () => {
    const cache = new OutlineCache();
    const small = traceOf(KEEP_MIN_SPANS - 1);
    cache.keepJudged(small.traceId, { spans: small.spans, logs: [] }, null);
    const twice = traceOf(KEEP_MIN_SPANS);
    cache.keepJudged(twice.traceId, { spans: [...twice.spans, twice.spans[0]!], logs: [] }, null);
    expect(cache.size).toBe(0);
  });

  it('keeps an outline read from the store only when it saw the counts read before it', () => {
    const cache = new OutlineCache();
    const { traceId, spans } = traceOf(KEEP_MIN_SPANS + 1);
    const outline = { spans: spans.map(spanOutline), logCount: 0, diagnosis: null, origin: null };
    // A span arrived between the stamp and the outline: answered, not kept.
    const answered = cache.serialize(traceId, outline, { spanCount: KEEP_MIN_SPANS, logCount: 0 });
    expect(JSON.parse(answered.toString()).spanCount).toBe(KEEP_MIN_SPANS + 1);
    expect(cache.size).toBe(0);
    cache.serialize(traceId, outline, { spanCount: KEEP_MIN_SPANS + 1, logCount: 0 });
    expect(cache.get(traceId, { spanCount: KEEP_MIN_SPANS + 1, logCount: 0 })).toEqual(answered);
  });

  it('lets the least recently used outline go when the next would pass its size', () => {
    const [a, b, c] = [traceOf(KEEP_MIN_SPANS), traceOf(KEEP_MIN_SPANS), traceOf(KEEP_MIN_SPANS)];
    const stamp = { spanCount: KEEP_MIN_SPANS, logCount: 0 };
    const probe = new OutlineCache();
    probe.keepJudged(a.traceId, { spans: a.spans, logs: [] }, null);
    // Room for two outlines of this size, not three.
    const cache = new OutlineCache(Math.floor(probe.size * 2.5));
    for (const t of [a, b]) cache.keepJudged(t.traceId, { spans: t.spans, logs: [] }, null);
    expect(cache.get(a.traceId, stamp)).toBeDefined();
    cache.keepJudged(c.traceId, { spans: c.spans, logs: [] }, null);
    expect(cache.get(b.traceId, stamp)).toBeUndefined();
    expect(cache.get(a.traceId, stamp)).toBeDefined();
    expect(cache.get(c.traceId, stamp)).toBeDefined();
    expect(cache.size).toBeLessThanOrEqual(Math.floor(probe.size * 2.5));
  });
});
