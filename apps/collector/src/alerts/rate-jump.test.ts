import { describe, expect, it } from 'vitest';
import { RateJumpDetector } from './rate-jump.js';

const MINUTE = 60_000;

describe('RateJumpDetector', () => {
  it('does not alert on a steady trickle', () => {
    const detector = new RateJumpDetector();
    const alerts = Array.from({ length: 30 }, (_, i) => detector.observe('g', i * 30_000));
    expect(alerts.some(Boolean)).toBe(false);
  });

  it('alerts once when a minute holds three times the baseline and at least ten failures', () => {
    const detector = new RateJumpDetector();
    for (let m = 0; m < 10; m++) detector.observe('g', m * MINUTE);
    const burst = Array.from({ length: 12 }, (_, i) => detector.observe('g', 10 * MINUTE + i * 1000));
    expect(burst.filter(Boolean)).toHaveLength(1);
    expect(burst.indexOf(true)).toBe(9); // the 10th failure of the minute crosses the line
  });

  it('keeps groups apart and respects the cooldown', () => {
    const detector = new RateJumpDetector();
    const first = Array.from({ length: 10 }, (_, i) => detector.observe('a', i * 100));
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(Array.from({ length: 10 }, (_, i) => detector.observe('b', i * 100)).filter(Boolean)).toHaveLength(
      1,
    );
    const again = Array.from({ length: 20 }, (_, i) => detector.observe('a', 2 * MINUTE + i * 100));
    expect(again.some(Boolean)).toBe(false);
  });
});
