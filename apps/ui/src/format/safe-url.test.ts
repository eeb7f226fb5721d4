import { describe, expect, it } from 'vitest';
import { safeHttpUrl } from './safe-url.js';

describe('safeHttpUrl', () => {
  it('accepts http and https URLs only', () => {
    expect(safeHttpUrl('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeHttpUrl('HTTP://orders.internal:3001/orders/42')).toBe(
      'http://orders.internal:3001/orders/42',
    );
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,<script>alert(1)</script>')).toBeUndefined();
    expect(safeHttpUrl(' https://example.com')).toBeUndefined();
    expect(safeHttpUrl('/relative/path')).toBeUndefined();
  });
});
