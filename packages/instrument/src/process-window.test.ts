import { describe, expect, it } from 'vitest';
import type { ProcessInterval, ProcessNow } from './process-window.js';
import { PROCESS_ATTRIBUTES as A, IntervalRing, pictureAttributes } from './process-window.js';

const quiet = (overrides: Partial<ProcessInterval> = {}): ProcessInterval => ({
  wallMs: 1000,
  delayMaxMs: 2,
  delayP99Ms: 1,
  loopActiveMs: 50,
  loopIdleMs: 950,
  cpuMs: 40,
  gcPauseMs: 1,
  ...overrides,
});
const now: ProcessNow = {
  heapUsedBytes: 30e6,
  heapLimitBytes: 2e9,
  rssBytes: 90e6,
  activeRequests: 3,
  cpuCount: 2,
};

describe('pictureAttributes', () => {
  it('folds the window: worst delays, time-weighted utilisations, summed GC, what is read now', () => {
    // Two quiet seconds, one with a 1.2 s stall, and 500 ms since the last sample.
    const intervals = [
      quiet(),
      quiet({ delayMaxMs: 1200, delayP99Ms: 1200, loopActiveMs: 1000, loopIdleMs: 0, cpuMs: 1000 }),
      quiet(),
    ];
    const live = quiet({ wallMs: 500, loopActiveMs: 25, loopIdleMs: 475, cpuMs: 20, gcPauseMs: 0.5 });
    expect(pictureAttributes(intervals, live, now)).toEqual({
      [A.windowMs]: 3500,
      [A.delayMaxMs]: 1200,
      [A.delayP99Ms]: 1200,
      [A.loopUtilization]: 0.321,
      [A.cpuUtilization]: 0.314,
      [A.heapUsedBytes]: 30e6,
      [A.heapLimitBytes]: 2e9,
      [A.rssBytes]: 90e6,
      [A.gcPauseMs]: 3.5,
      [A.activeRequests]: 3,
      [A.cpuCount]: 2,
    });
  });

  it('shows a stall seen only since the last sample (the live part), and never a p99 above the max', () => {
    const picture = pictureAttributes(
      [quiet(), quiet()],
      quiet({ wallMs: 10, delayMaxMs: 900, delayP99Ms: 2000 }),
      now,
    );
    expect(picture[A.delayMaxMs]).toBe(900);
    expect(picture[A.delayP99Ms]).toBe(900);
  });

  it('reads a process that has not sampled yet from the live part alone, and an empty window as idle', () => {
    const picture = pictureAttributes(
      [],
      quiet({ wallMs: 200, cpuMs: 100, loopActiveMs: 200, loopIdleMs: 0 }),
      now,
    );
    expect([picture[A.windowMs], picture[A.cpuUtilization], picture[A.loopUtilization]]).toEqual([
      200, 0.5, 1,
    ]);
    const empty = pictureAttributes([], quiet({ wallMs: 0, cpuMs: 0, loopActiveMs: 0, loopIdleMs: 0 }), now);
    expect([empty[A.cpuUtilization], empty[A.loopUtilization]]).toEqual([0, 0]);
  });

  it('leaves GC pauses out when none were observed in the window, and sums the ones that were', () => {
    const unobserved = { gcPauseMs: undefined };
    const none = pictureAttributes([quiet(unobserved)], quiet(unobserved), now);
    expect(A.gcPauseMs in none).toBe(false);
    // The heap filled up during the window: pauses from then on.
    const some = pictureAttributes(
      [quiet(unobserved), quiet({ gcPauseMs: 40 })],
      quiet({ gcPauseMs: 5 }),
      now,
    );
    expect(some[A.gcPauseMs]).toBe(45);
  });

  it('reports CPU above 1 for a process busy on more than one core (worker threads)', () => {
    const picture = pictureAttributes([], quiet({ wallMs: 1000, cpuMs: 1800 }), now);
    expect(picture[A.cpuUtilization]).toBe(1.8);
  });
});

describe('IntervalRing', () => {
  it('holds the last few intervals, the oldest forgotten first', () => {
    const ring = new IntervalRing(3);
    for (let i = 1; i <= 5; i += 1) ring.push(quiet({ delayMaxMs: i }));
    expect(
      ring
        .intervals()
        .map((interval) => interval.delayMaxMs)
        .sort(),
    ).toEqual([3, 4, 5]);
  });
});
