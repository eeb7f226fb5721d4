import { describe, expect, it } from 'vitest';
import { processFiguresOf, saturationOf, SATURATION_THRESHOLDS as T } from './process-picture.js';
import type { ProcessFigures, SaturationKind } from './saturation-types.js';

const MIB = 1024 * 1024;
const quiet: ProcessFigures = {
  windowMs: 5000,
  eventLoopDelayMaxMs: 20,
  eventLoopDelayP99Ms: 11,
  eventLoopUtilization: 0.1,
  cpuUtilization: 0.1,
  heapUsedBytes: 50 * MIB,
  heapLimitBytes: 2048 * MIB,
  gcPauseMs: 40,
};

/** Each threshold as documented in docs/diagnosis.md, just below and at it: below is healthy, at it is saturated. */
const SIDES: { kind: SaturationKind; below: ProcessFigures; at: ProcessFigures }[] = [
  {
    kind: 'event_loop_blocked',
    below: { eventLoopDelayMaxMs: 499 },
    at: { eventLoopDelayMaxMs: 500 },
  },
  {
    kind: 'event_loop_blocked',
    below: { eventLoopUtilization: 0.89, eventLoopDelayP99Ms: 400, eventLoopDelayMaxMs: 450 },
    at: { eventLoopUtilization: 0.9, eventLoopDelayP99Ms: 100 },
  },
  {
    kind: 'event_loop_blocked',
    below: { eventLoopUtilization: 1, eventLoopDelayP99Ms: 99 },
    at: { eventLoopUtilization: 1, eventLoopDelayP99Ms: 100 },
  },
  {
    kind: 'heap_near_limit',
    // --max-old-space-size=100: the instrumentation reports 100 MiB, whatever V8's own limit says.
    below: { heapUsedBytes: 89 * MIB, heapLimitBytes: 100 * MIB },
    at: { heapUsedBytes: 90 * MIB, heapLimitBytes: 100 * MIB },
  },
  {
    kind: 'heap_near_limit',
    // --max-old-space-size=48 (V8 aborts at about 49 MiB used): 48 MiB reported.
    below: { heapUsedBytes: 43 * MIB, heapLimitBytes: 48 * MIB },
    at: { heapUsedBytes: 44 * MIB, heapLimitBytes: 48 * MIB },
  },
  {
    kind: 'heap_near_limit',
    // The default 64-bit limit: 4,096 MiB for old objects; 90 % of it is 3,686.4 MiB.
    below: { heapUsedBytes: 3686 * MIB, heapLimitBytes: 4096 * MIB },
    at: { heapUsedBytes: 3687 * MIB, heapLimitBytes: 4096 * MIB },
  },
  { kind: 'cpu_pegged', below: { cpuUtilization: 0.89 }, at: { cpuUtilization: 0.9 } },
  {
    kind: 'gc_pressure',
    below: { gcPauseMs: 1249, windowMs: 5000 },
    at: { gcPauseMs: 1250, windowMs: 5000 },
  },
  { kind: 'late_start', below: { startLagMs: 999 }, at: { startLagMs: 1000 } },
];

describe('saturation thresholds, both sides', () => {
  for (const [i, { kind, below, at }] of SIDES.entries()) {
    it(`${kind} (${i}): ${JSON.stringify(below)} is healthy, ${JSON.stringify(at)} is saturated`, () => {
      expect(saturationOf({ ...quiet, ...below })).toEqual([]);
      expect(saturationOf({ ...quiet, ...at })).toEqual([kind]);
    });
  }

  it('shares of a window shorter than 1 s judge nothing: a process warming up', () => {
    // Measured: a healthy gateway's first requests, 300-580 ms after it started.
    const warmUp = { eventLoopUtilization: 1, eventLoopDelayP99Ms: 131, eventLoopDelayMaxMs: 131 };
    const shares = { ...warmUp, cpuUtilization: 0.95, gcPauseMs: 500 };
    expect(saturationOf({ ...shares, windowMs: 999 })).toEqual([]);
    expect(saturationOf({ ...shares, windowMs: 1000 })).toEqual([
      'event_loop_blocked',
      'cpu_pegged',
      'gc_pressure',
    ]);
    // A single block of 500 ms is a block however young the process.
    expect(saturationOf({ ...warmUp, eventLoopDelayMaxMs: 500, windowMs: 600 })).toEqual([
      'event_loop_blocked',
    ]);
  });

  it('a start after the caller gave up is late from 250 ms', () => {
    expect(saturationOf({ startLagMs: 249 }, 0, true)).toEqual([]);
    expect(saturationOf({ startLagMs: 250 }, 0, true)).toEqual(['late_start']);
  });

  it('a late start between hosts must exceed the skew tolerance too', () => {
    const tolerance = T.crossHostSkewToleranceMs;
    expect(saturationOf({ startLagMs: 1499 }, tolerance)).toEqual([]);
    expect(saturationOf({ startLagMs: 1500 }, tolerance)).toEqual(['late_start']);
    expect(saturationOf({ startLagMs: 749 }, tolerance, true)).toEqual([]);
    expect(saturationOf({ startLagMs: 750 }, tolerance, true)).toEqual(['late_start']);
  });

  it('a heap limit of zero or no window judges nothing (no division by zero)', () => {
    expect(saturationOf({ heapUsedBytes: 10, heapLimitBytes: 0, gcPauseMs: 10, windowMs: 0 })).toEqual([]);
  });

  it('reads numbers and numeric strings, drops everything else', () => {
    expect(
      processFiguresOf({
        'faultline.process.cpu.utilization': '0.95',
        'faultline.process.heap.used_bytes': 12,
        'faultline.process.heap.limit_bytes': 'lots',
        'faultline.process.eventloop.delay_max_ms': -1,
        'faultline.process.eventloop.utilization': 1.5,
        'faultline.process.gc.pause_ms': [1, 2],
      }),
    ).toEqual({ cpuUtilization: 0.95, heapUsedBytes: 12 });
  });
});
