import type { Attributes } from '@opentelemetry/api';

/*
 * The process picture's arithmetic, apart from where its figures come from (process-sampler.ts reads
 * them): what one sampling interval saw, a ring of the last few intervals, and how they fold into the
 * `faultline.process.*` attributes a kept server span carries. Pure, so it is tested on plain numbers.
 *
 *   samples   |  1 s  |  1 s  |  1 s  |.. live ..|     <- span ends here
 *   window    <-------------- window_ms ---------->
 * Maxima (loop delay, its p99) are the largest of any interval; utilisations are time-weighted over
 * the whole window; GC pause time is summed. The live part is what the histograms and counters show
 * since the last sample, so a block that ended just before the span did is in its picture.
 */

/** What the process did during one stretch of wall time (a sampling interval, or the live part). */
export interface ProcessInterval {
  wallMs: number;
  /** Longest event-loop delay seen. */
  delayMaxMs: number;
  /** 99th percentile of the event-loop delays seen. */
  delayP99Ms: number;
  /** Event-loop active and idle time (performance.eventLoopUtilization). */
  loopActiveMs: number;
  loopIdleMs: number;
  /** Process CPU time, user plus system. */
  cpuMs: number;
  /** Time spent in garbage-collection pauses; undefined when they were not observed (heap not full). */
  gcPauseMs: number | undefined;
}

/** What is read at the moment the picture is taken, not over a window. */
export interface ProcessNow {
  heapUsedBytes: number;
  heapLimitBytes: number;
  rssBytes: number;
  activeRequests: number;
  cpuCount: number;
}

/** The span attribute names of the process picture (fixed with the diagnosis; see DESIGN.md). */
export const PROCESS_ATTRIBUTES = {
  windowMs: 'faultline.process.window_ms',
  delayMaxMs: 'faultline.process.eventloop.delay_max_ms',
  delayP99Ms: 'faultline.process.eventloop.delay_p99_ms',
  loopUtilization: 'faultline.process.eventloop.utilization',
  cpuUtilization: 'faultline.process.cpu.utilization',
  heapUsedBytes: 'faultline.process.heap.used_bytes',
  heapLimitBytes: 'faultline.process.heap.limit_bytes',
  rssBytes: 'faultline.process.memory.rss_bytes',
  gcPauseMs: 'faultline.process.gc.pause_ms',
  activeRequests: 'faultline.process.active_requests',
  cpuCount: 'faultline.process.cpu.count',
} as const;

/** The last `capacity` sampling intervals, oldest overwritten first; no allocation once full. */
export class IntervalRing {
  private readonly slots: ProcessInterval[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  /** Adds an interval, forgetting the oldest once the ring is full. */
  push(interval: ProcessInterval): void {
    if (this.slots.length < this.capacity) this.slots.push(interval);
    else this.slots[this.next] = interval;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The intervals held, in no particular order (folding does not care). */
  intervals(): readonly ProcessInterval[] {
    return this.slots;
  }
}

/** Folds the intervals of a window and what is read now into the span attributes of the picture. */
export function pictureAttributes(
  intervals: readonly ProcessInterval[],
  live: ProcessInterval,
  now: ProcessNow,
): Attributes {
  let wallMs = live.wallMs;
  let delayMaxMs = live.delayMaxMs;
  let delayP99Ms = live.delayP99Ms;
  let loopActiveMs = live.loopActiveMs;
  let loopIdleMs = live.loopIdleMs;
  let cpuMs = live.cpuMs;
  let gcPauseMs: number | undefined = live.gcPauseMs;
  for (const interval of intervals) {
    wallMs += interval.wallMs;
    delayMaxMs = Math.max(delayMaxMs, interval.delayMaxMs);
    // The window's p99 is taken as the worst interval's: the histograms are reset every interval and
    // cannot be merged, and an overestimate errs on the side of showing a stall.
    delayP99Ms = Math.max(delayP99Ms, interval.delayP99Ms);
    loopActiveMs += interval.loopActiveMs;
    loopIdleMs += interval.loopIdleMs;
    cpuMs += interval.cpuMs;
    if (interval.gcPauseMs !== undefined) gcPauseMs = (gcPauseMs ?? 0) + interval.gcPauseMs;
  }
  const loopMs = loopActiveMs + loopIdleMs;
  const attributes: Attributes = {
    [PROCESS_ATTRIBUTES.windowMs]: Math.round(wallMs),
    [PROCESS_ATTRIBUTES.delayMaxMs]: round2(delayMaxMs),
    [PROCESS_ATTRIBUTES.delayP99Ms]: round2(Math.min(delayP99Ms, delayMaxMs)),
    [PROCESS_ATTRIBUTES.loopUtilization]: loopMs > 0 ? round3(Math.min(1, loopActiveMs / loopMs)) : 0,
    [PROCESS_ATTRIBUTES.cpuUtilization]: wallMs > 0 ? round3(cpuMs / wallMs) : 0,
    [PROCESS_ATTRIBUTES.heapUsedBytes]: now.heapUsedBytes,
    [PROCESS_ATTRIBUTES.heapLimitBytes]: now.heapLimitBytes,
    [PROCESS_ATTRIBUTES.rssBytes]: now.rssBytes,
    [PROCESS_ATTRIBUTES.activeRequests]: now.activeRequests,
    [PROCESS_ATTRIBUTES.cpuCount]: now.cpuCount,
  };
  // Pauses observed in part of the window only (the heap filled up within it) are a lower bound.
  if (gcPauseMs !== undefined) attributes[PROCESS_ATTRIBUTES.gcPauseMs] = round2(gcPauseMs);
  return attributes;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
