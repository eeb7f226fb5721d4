import { describe, expect, it } from 'vitest';
import { diagnoseTrace } from '../src/index.js';
import { fallbackQuery, ordersRequest, redisSpan } from './fixtures/handled-scenario.js';
import { TraceBuilder } from './fixtures/trace-builder.js';

describe('hostile shapes', () => {
  it('an N+1 loop of thousands of failing and working calls below one span is judged in one pass', () => {
    const t = new TraceBuilder();
    const { server, handler } = ordersRequest(t, 503);
    // 4,000 cache misses that failed, each followed by its database read: every failure is handled.
    for (let i = 0; i < 4_000; i++) {
      redisSpan(t, {
        parent: handler,
        startMs: 1 + i * 0.004,
        endMs: 1.001 + i * 0.004,
        failed: 'exception',
      });
      fallbackQuery(t, handler, 1.002 + i * 0.004, 1.003 + i * 0.004);
    }
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(server.spanId);
    expect(d.cause).toBe('explicit_5xx');
    // The list stays bounded however many failures were handled.
    expect(d.otherFailures).toHaveLength(20);
    expect(d.summary).toContain('(and 3999 more)');
  });
});
