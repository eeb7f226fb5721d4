import { describe, expect, it } from 'vitest';
import { PresetIdGenerator } from './span-ids.js';

describe('PresetIdGenerator', () => {
  it('hands out distinct lowercase hex ids of W3C length, across refills of its random pool', () => {
    const ids = new PresetIdGenerator();
    // 2,000 trace ids and 2,000 span ids use 48 KB of random bytes: the 8 KB pool refills several times.
    const traceIds = Array.from({ length: 2000 }, () => ids.generateTraceId());
    const spanIds = Array.from({ length: 2000 }, () => ids.generateSpanId());
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(traceIds).size).toBe(traceIds.length);
    expect(new Set(spanIds).size).toBe(spanIds.length);
    // Uniform bytes: every hex digit shows up in about 1/16 of the positions.
    const digits = new Map<string, number>();
    for (const char of traceIds.join('')) digits.set(char, (digits.get(char) ?? 0) + 1);
    expect(digits.size).toBe(16);
    for (const count of digits.values()) expect(count / (traceIds.length * 32)).toBeCloseTo(1 / 16, 2);
  });

  it('gives the preset ids to the next span only, then random ones again', () => {
    const ids = new PresetIdGenerator();
    ids.preset('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
    expect([ids.generateTraceId(), ids.generateSpanId()]).toEqual([
      '0af7651916cd43dd8448eb211c80319c',
      'b7ad6b7169203331',
    ]);
    expect(ids.generateTraceId()).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(ids.generateSpanId()).not.toBe('b7ad6b7169203331');
  });

  it('drops preset ids that were not taken', () => {
    const ids = new PresetIdGenerator();
    ids.preset('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
    ids.clear();
    expect(ids.generateSpanId()).not.toBe('b7ad6b7169203331');
  });
});
