import { describe, expect, it } from 'vitest';
import { doubleValue, int64Value, limitString, MAX_STRING_BYTES, setAttribute } from './value-limits.js';

describe('limitString', () => {
  it('leaves strings up to 64 KiB alone', () => {
    const exact = 'x'.repeat(MAX_STRING_BYTES);
    expect(limitString(exact)).toBe(exact);
  });

  it('keeps the first 64 KiB of a longer string and says how many bytes went', () => {
    expect(limitString('x'.repeat(MAX_STRING_BYTES + 10))).toBe(
      `${'x'.repeat(MAX_STRING_BYTES)}…[truncated 10 bytes]`,
    );
  });

  it('counts UTF-8 bytes and cuts between characters', () => {
    // 30,000 "€" are 90,000 bytes; 21,845 whole ones fit in 65,536 bytes (65,535 of them used).
    const limited = limitString('€'.repeat(30_000));
    expect(limited).toBe(`${'€'.repeat(21_845)}…[truncated ${90_000 - 65_535} bytes]`);
  });
});

describe('attribute values', () => {
  it('turns NaN and the infinities into strings so JSON output stays valid', () => {
    expect([
      doubleValue(Number.NaN),
      doubleValue(Infinity),
      doubleValue(-Infinity),
      doubleValue(1.5),
    ]).toEqual(['NaN', 'Infinity', '-Infinity', 1.5]);
  });

  it('keeps 64-bit integers as numbers only while they are exact', () => {
    expect(int64Value(-42n)).toBe(-42);
    expect(int64Value(2n ** 53n + 1n)).toBe('9007199254740993');
  });

  it('stores a __proto__ key as a plain attribute without touching the prototype', () => {
    const attributes = {};
    setAttribute(attributes, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
