import { describe, expect, it } from 'vitest';
import { boundedValue, capList, clip, quote } from './safe-text.js';

describe('quote', () => {
  it('keeps span data on one line, in quotes, its controls inert', () => {
    const text = quote('a"\n# title\u001b[2J\u202e\r');
    expect(text).toBe('"a\\"\\n# title^[[2J<U+202E>^M"');
    for (const char of ['\n', '\r', '\u001b', '\u202e']) expect(text).not.toContain(char);
  });

  it('says how much it cut', () => {
    expect(quote('x'.repeat(300), 10)).toBe(`"${'x'.repeat(10)}…[290 more chars cut]"`);
    expect(clip('abc', 3)).toBe('abc');
  });
});

describe('capList and boundedValue', () => {
  it('names what was left out', () => {
    expect(capList([1, 2, 3], 2, 'spans')).toEqual({
      shown: [1, 2],
      cut: '1 more spans not shown (3 in all)',
    });
    expect(capList([1], 2, 'spans')).toEqual({ shown: [1], cut: null });
  });

  it('caps strings, arrays, keys and depth of arbitrary JSON', () => {
    const bounds = { maxString: 3, maxItems: 2, maxDepth: 2 };
    expect(boundedValue({ a: 'abcdef', b: [1, 2, 3], c: { d: { e: 1 } } }, bounds)).toEqual({
      a: 'abc…[3 more chars cut]',
      b: [1, 2, '…[1 more items cut]'],
      '…': '1 more keys cut',
    });
    expect(boundedValue({ c: { d: { e: 1 } } }, bounds)).toEqual({ c: { d: '[nested too deep: cut]' } });
  });
});
