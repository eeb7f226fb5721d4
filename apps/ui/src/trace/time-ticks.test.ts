import { describe, expect, it } from 'vitest';
import { ticksCovering, timeTicks } from './time-ticks.js';

describe('timeTicks', () => {
  it('picks a round step so the labels read 0, 20, 40 … ms', () => {
    expect(timeTicks(100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(timeTicks(173, 6)).toEqual([0, 50, 100, 150]);
  });

  it('works for sub-millisecond and multi-second traces', () => {
    expect(timeTicks(0.8, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(timeTicks(5000, 5)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('gives a single tick for an empty trace', () => {
    expect(timeTicks(0, 5)).toEqual([0]);
  });
});

describe('ticksCovering', () => {
  it('ends at the first round tick at or above the largest value', () => {
    expect(ticksCovering(1020, 3)).toEqual([0, 500, 1000, 1500]);
    expect(ticksCovering(1000, 4)).toEqual([0, 500, 1000]);
  });
});
