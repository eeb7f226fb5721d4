import os from 'node:os';
import type { IntervalHistogram } from 'node:perf_hooks';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { Attributes, Span } from '@opentelemetry/api';
import { describeError, warnOnce } from './faultline-log.js';
import { oldGenerationLimitBytes } from './heap-limit.js';
import type { ProcessInterval } from './process-window.js';
import { IntervalRing, PROCESS_ATTRIBUTES, pictureAttributes } from './process-window.js';

/*
 * The process picture (issue 24): a rolling view of the process's saturation (event-loop delay and
 * utilisation, CPU, heap against its limit, RSS, GC pauses, requests in flight) that a server span
 * carries when it is exported, so a verdict can say "pricing's event loop was blocked for 1.4 s".
 * Nothing runs per request: a timer samples once a second, and the picture is only read when a kept
 * span ends. DESIGN.md ("The process picture") has the timeline and the costs.
 */

/** How often an interval is closed and pushed into the window. */
export const SAMPLE_INTERVAL_MS = 1000;
/** Closed intervals in the window; with the live part the window covers 3 to 4 seconds. */
const WINDOW_INTERVALS = 3;
const TIME_ORIGIN = performance.timeOrigin;
/** monitorEventLoopDelay's timer period: coarse enough to cost nothing, fine enough for a p99. */
const HISTOGRAM_RESOLUTION_MS = 20;
/**
 * A heartbeat's period. The histogram misses two stalls: one that begins right after its reset (its
 * first tick after a reset records nothing), and one still under way or just ended when a span ends
 * in the same event-loop turn (its timer has not run yet). How late the heartbeat is covers both.
 */
const HEARTBEAT_MS = 100;
/**
 * A picture this recent is reused: spans ending together pay for one reading, and a busy process
 * reads at most 20 a second. A fresh reading costs 15-60 µs (the lower figure with warm caches);
 * nothing a span's picture is for changes within 50 ms unseen (a stall that ends is a stall that
 * lasted, and it ends after any reading taken before it), except the heap used and the requests in
 * flight, which are read for every span.
 */
const REUSE_MS = 50;
/**
 * A stall at least this long keeps the requests caught in it (`caughtInStall`): the diagnosis calls a
 * loop blocked from 500 ms on, and a caller with a timeout below that has given up by then.
 */
const STALL_KEEP_MS = 500;
/** Requests read this soon after a stall waited through it (the backlog drains over a few turns). */
const STALL_GRACE_MS = 100;
/** At most this many successful requests are kept per stall: a busy service queues thousands. */
const KEPT_PER_STALL = 64;
/**
 * GC pauses are observed only while the heap is at least this full. Observing every collection costs
 * a JavaScript callback per collection: an allocation-heavy Fastify route lost about 10% of its
 * throughput to it (bench/RESULTS.md). Below half the limit V8 mostly runs sub-millisecond
 * scavenges; the pauses that starve a process come as its heap nears the limit.
 */
const GC_WATCH_HEAP_SHARE = 0.5;

/** Figures of the process a span's end reads; a fake in tests, `ProcessSampler` otherwise. */
export interface ProcessPicture {
  /** Sets the picture's attributes on a server span about to end; `activeRequests` counts its own. */
  describe(span: Span, activeRequests: number): void;
  /**
   * Whether a request that ran from `startedAtMillis` to `endedAtMillis` (wall-clock milliseconds from
   * the monotonic clock, `nowMillis()`; it ended in the current turn) was caught in a stall of the
   * event loop: kept then though it succeeded, since its caller may have timed out waiting. Counts
   * against a budget per stall.
   */
  caughtInStall(startedAtMillis: number, endedAtMillis: number): boolean;
}

/** See the file comment. `start()` begins sampling; `stop()` ends it and lets go of every timer. */
export class ProcessSampler implements ProcessPicture {
  private readonly ring = new IntervalRing(WINDOW_INTERVALS);
  private histogram: IntervalHistogram | undefined;
  private observer: PerformanceObserver | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private startTimer: NodeJS.Immediate | undefined;
  private readonly heapLimitBytes = oldGenerationLimitBytes();
  private readonly cpuCount = os.availableParallelism?.() ?? os.cpus().length;
  /** Where the current interval began. */
  private sampledAt = 0;
  private sampledLoop = performance.eventLoopUtilization();
  private sampledCpu = process.cpuUsage();
  /** GC pause time and heartbeat lateness of the current interval. */
  private gcPauseMs = 0;
  /** Whether GC pauses were observed at any time in the current interval (see GC_WATCH_HEAP_SHARE). */
  private gcObserved = false;
  private lateMaxMs = 0;
  private lastBeatAt = 0;
  private reused: { at: number; attributes: Attributes } | undefined;
  private running = false;
  private watchingGc = false;
  /** The last stall of STALL_KEEP_MS or more: when it ended, and how many requests it may still keep. */
  private stallEndAt = Number.NEGATIVE_INFINITY;
  private stallKeepsLeft = 0;

  /**
   * Starts sampling a turn of the event loop from now: an app's synchronous start-up (its requires,
   * its setup) runs first and is not counted as a stall of a process that was not serving yet.
   */
  start(): void {
    if (this.running || this.startTimer !== undefined) return;
    // Not unref'd: an unref'd immediate lets the loop sleep in its poll phase past it, so sampling
    // would begin only at the next I/O. A ref'd one holds the process for one turn, no longer.
    this.startTimer = setImmediate(() => {
      this.startTimer = undefined;
      this.guard(() => this.begin());
    });
  }

  /** Stops sampling; spans that end later carry no picture. */
  stop(): void {
    if (this.startTimer !== undefined) clearImmediate(this.startTimer);
    this.startTimer = undefined;
    this.running = false;
    clearInterval(this.sampleTimer);
    clearInterval(this.heartbeatTimer);
    this.histogram?.disable();
    this.observer?.disconnect();
    this.histogram = undefined;
    this.observer = undefined;
    this.watchingGc = false;
  }

  describe(span: Span, activeRequests: number): void {
    if (!this.running) return;
    const attributes = this.guard(() => this.read(activeRequests));
    if (attributes !== undefined) span.setAttributes(attributes);
  }

  caughtInStall(startedAtMillis: number, endedAtMillis: number): boolean {
    if (!this.running) return false;
    // Runs as every request the sampler would drop ends: two subtractions and two comparisons.
    const endedAt = endedAtMillis - TIME_ORIGIN;
    // A stall that ended this very turn, before the heartbeat (a timer) could see it.
    if (endedAt - this.lastBeatAt - HEARTBEAT_MS >= STALL_KEEP_MS) this.noteStall(endedAt);
    if (startedAtMillis - TIME_ORIGIN > this.stallEndAt + STALL_GRACE_MS || this.stallKeepsLeft <= 0)
      return false;
    this.stallKeepsLeft -= 1;
    return true;
  }

  /** The picture now, or undefined when not sampling; exposed for tests. */
  read(activeRequests: number): Attributes | undefined {
    if (!this.running) return undefined;
    const at = performance.now();
    const reused = this.reused;
    if (reused !== undefined && at - reused.at < REUSE_MS) {
      return {
        ...reused.attributes,
        // The heap moves with every request (a cache filling toward its limit): always read now (~150 ns).
        [PROCESS_ATTRIBUTES.heapUsedBytes]: v8.getHeapStatistics().used_heap_size,
        [PROCESS_ATTRIBUTES.activeRequests]: activeRequests,
      };
    }
    this.collectGc();
    const attributes = pictureAttributes(this.ring.intervals(), this.liveInterval(at), {
      heapUsedBytes: v8.getHeapStatistics().used_heap_size,
      heapLimitBytes: this.heapLimitBytes,
      rssBytes: process.memoryUsage.rss(),
      activeRequests,
      cpuCount: this.cpuCount,
    });
    this.reused = { at, attributes };
    return attributes;
  }

  private begin(): void {
    this.histogram = monitorEventLoopDelay({ resolution: HISTOGRAM_RESOLUTION_MS });
    this.histogram.enable();
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.gcPauseMs += entry.duration;
    });
    this.watchGcIfHeapFull();
    this.markIntervalStart(performance.now());
    this.lastBeatAt = this.sampledAt;
    this.sampleTimer = setInterval(() => this.guard(() => this.sample()), SAMPLE_INTERVAL_MS);
    this.heartbeatTimer = setInterval(() => this.beat(), HEARTBEAT_MS);
    // Sampling must never be what keeps a process alive.
    this.sampleTimer.unref();
    this.heartbeatTimer.unref();
    this.running = true;
  }

  private beat(): void {
    const at = performance.now();
    const late = at - this.lastBeatAt - HEARTBEAT_MS;
    if (late > this.lateMaxMs) this.lateMaxMs = late;
    if (late >= STALL_KEEP_MS) this.noteStall(at);
    this.lastBeatAt = at;
    this.guard(() => this.watchGcIfHeapFull());
  }

  /** Observes GC pauses while the heap is at least GC_WATCH_HEAP_SHARE full, and only then. */
  private watchGcIfHeapFull(): void {
    const observer = this.observer;
    if (observer === undefined) return;
    const full = v8.getHeapStatistics().used_heap_size >= GC_WATCH_HEAP_SHARE * this.heapLimitBytes;
    if (full === this.watchingGc) return;
    if (full) {
      observer.observe({ entryTypes: ['gc'] });
      this.gcObserved = true;
    } else {
      this.collectGc();
      observer.disconnect();
    }
    this.watchingGc = full;
  }

  /** A stall ended at `at` (or is ending); noted once, whether a request or the heartbeat sees it first. */
  private noteStall(at: number): void {
    if (this.stallEndAt > this.lastBeatAt) return;
    this.stallEndAt = at;
    this.stallKeepsLeft = KEPT_PER_STALL;
  }

  private sample(): void {
    const at = performance.now();
    this.collectGc();
    this.ring.push(this.liveInterval(at));
    this.markIntervalStart(at);
  }

  /** What happened since the last sample, up to `at`. */
  private liveInterval(at: number): ProcessInterval {
    const histogram = this.histogram!;
    const loop = performance.eventLoopUtilization(this.sampledLoop);
    const cpu = process.cpuUsage(this.sampledCpu);
    // An empty histogram (no tick since its reset) reports 0 for both.
    const stalledNow = Math.max(0, at - this.lastBeatAt - HEARTBEAT_MS);
    const delayMaxMs = Math.max(excessOverResolution(histogram.max), this.lateMaxMs, stalledNow);
    return {
      wallMs: at - this.sampledAt,
      delayMaxMs,
      delayP99Ms: excessOverResolution(histogram.percentile(99)),
      loopActiveMs: loop.active,
      loopIdleMs: loop.idle,
      cpuMs: (cpu.user + cpu.system) / 1000,
      gcPauseMs: this.gcObserved ? this.gcPauseMs : undefined,
    };
  }

  private markIntervalStart(at: number): void {
    this.sampledAt = at;
    this.sampledLoop = performance.eventLoopUtilization();
    this.sampledCpu = process.cpuUsage();
    this.gcPauseMs = 0;
    this.gcObserved = this.watchingGc;
    this.lateMaxMs = 0;
    this.histogram?.reset();
  }

  /** GC entries the observer has not been handed yet (it is called a turn later). */
  private collectGc(): void {
    const entries = this.observer?.takeRecords();
    if (entries !== undefined) for (const entry of entries) this.gcPauseMs += entry.duration;
  }

  /** Runs a step; the first failure is reported once and sampling stops: the app is never touched. */
  private guard<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (failure) {
      warnOnce('process-picture', `process picture failed and is turned off: ${describeError(failure)}`);
      this.stop();
      return undefined;
    }
  }
}

/**
 * The histogram records the time between its timer's runs, in nanoseconds: a period of 20 ms reads
 * 20 ms on an idle loop. The delay is what exceeds the period.
 */
function excessOverResolution(nanoseconds: number): number {
  if (!(nanoseconds > 0)) return 0;
  return Math.max(0, nanoseconds / 1e6 - HISTOGRAM_RESOLUTION_MS);
}
