import { describe, expect, it } from 'vitest';
import { scrollTopToReveal, visibleRowWindow } from './virtual-window.js';

describe('visibleRowWindow', () => {
  it('renders only the rows in the viewport plus the overscan, for 10,000 rows', () => {
    const window = visibleRowWindow(10_000, 28, 28 * 5000, 28 * 20, 10);
    expect(window).toEqual({ first: 4990, last: 5030, offsetPx: 4990 * 28 });
  });

  it('clamps the window at the top and bottom of the list', () => {
    expect(visibleRowWindow(30, 28, 0, 280, 5)).toEqual({ first: 0, last: 15, offsetPx: 0 });
    expect(visibleRowWindow(30, 28, 28 * 25, 280, 5).last).toBe(30);
    expect(visibleRowWindow(0, 28, 0, 280, 5)).toEqual({ first: 0, last: 0, offsetPx: 0 });
  });
});

describe('scrollTopToReveal', () => {
  it('leaves the scroll alone when the row is already visible, else scrolls just enough', () => {
    expect(scrollTopToReveal(3, 28, 0, 280)).toBe(0);
    expect(scrollTopToReveal(50, 28, 0, 280)).toBe(51 * 28 - 280 + 28);
    expect(scrollTopToReveal(2, 28, 28 * 40, 280)).toBe(28);
  });
});
