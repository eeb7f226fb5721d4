import { describe, expect, it } from 'vitest';
import { formatCount, formatShare, formatShortCount } from './count-format.js';

describe('formatCount', () => {
  it('groups digits and picks singular or plural', () => {
    expect(formatCount(1, 'call')).toBe('1 call');
    expect(formatCount(0, 'call')).toBe('0 calls');
    expect(formatCount(1204, 'error')).toBe('1,204 errors');
    expect(formatCount(2, 'entry', 'entries')).toBe('2 entries');
  });
});

describe('formatShortCount', () => {
  it('keeps counts under 10,000 whole and shortens larger ones', () => {
    expect(formatShortCount(9_999, 'call')).toBe('9,999 calls');
    expect(formatShortCount(20_000, 'call')).toBe('20K calls');
    expect(formatShortCount(1_250_000, 'call')).toBe('1.3M calls');
  });
});

describe('formatShare', () => {
  it('shows whole percentages and never turns a small share into 0%', () => {
    expect(formatShare(1)).toBe('100%');
    expect(formatShare(0.5)).toBe('50%');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.001)).toBe('<1%');
  });
});
