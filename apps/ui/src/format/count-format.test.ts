import { describe, expect, it } from 'vitest';
import { formatCount, formatShare } from './count-format.js';

describe('formatCount', () => {
  it('groups digits and picks singular or plural', () => {
    expect(formatCount(1, 'call')).toBe('1 call');
    expect(formatCount(0, 'call')).toBe('0 calls');
    expect(formatCount(1204, 'error')).toBe('1,204 errors');
    expect(formatCount(2, 'entry', 'entries')).toBe('2 entries');
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
