/*
 * Keeps every failing trace and, once a process serves more successful requests than anyone will
 * read, a consistent share of the successful ones.
 *
 * Exporting every span of every successful request is most of what tracing costs a busy service
 * (serialisation, the HTTP export, and the collector's CPU on the same host), and nobody hunting a 500
 * reads the ten-thousandth identical 200. So the spans of a local trace (the spans this process made
 * for one trace id) wait here until its local root span ends, then:
 * - if any of them failed (status ERROR or an HTTP 5xx), all of them are exported;
 * - otherwise they are exported while the process sees at most `tracesPerSecond` local roots a
 *   second, and beyond that a share of 1/2^k of them (re-measured every second, raised at once by a burst), chosen by the trace id's random bits (the last
 *   56 bits, as in OpenTelemetry's consistent probability sampling). Every service that samples at
 *   the same or a higher rate keeps the same successful traces, so kept traces stay whole across
 *   services; kept spans carry `faultline.sampling.adjusted_count` = 2^k (how many requests each
 *   stands for).
 * Spans that end after their local root follow the decision made for it (a failing one is always
 * kept). Nothing is held without bound: past `maxPendingSpans` the oldest undecided trace is kept.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { keepsSuccess, MAX_LEVEL } from './consistent-share.js';

export { keepsSuccess } from './consistent-share.js';

/** The attribute kept spans of a sampled successful trace carry: how many requests each stands for. */
export const ADJUSTED_COUNT_ATTRIBUTE = 'faultline.sampling.adjusted_count';

/**
 * Decided trace ids are remembered, for spans that end after their local root, in two generations of
 * this many: the newest, and the one before it.
 */
const DECISION_GENERATION = 2048;
/** How often the rate of local roots is re-measured. */
const RATE_WINDOW_MS = 1000;

export interface SuccessSamplerSettings {
  /** Successful local traces a second kept in full before sampling starts. */
  tracesPerSecond: number;
  /** Undecided spans held at most; beyond it the oldest undecided trace is kept. */
  maxPendingSpans: number;
  /** The clock, in milliseconds (tests move it). */
  now?: () => number;
}

interface PendingTrace {
  spans: ReadableSpan[];
  failing: boolean;
}

/** See the file comment. `forward` receives every span that is kept, failing spans of a trace first. */
export class SuccessSampler {
  /** Successful local traces not exported. */
  sampledOutTraces = 0;
  /** Spans of those traces. */
  sampledOutSpans = 0;
  private readonly pending = new Map<string, PendingTrace>();
  private pendingSpans = 0;
  /**
   * Decisions, newest generation first. A generation is only ever added to, and replaced whole when
   * full: cheaper than keeping one map in order with a delete per trace (a per-request cost).
   */
  private decided = new Map<string, boolean>();
  private decidedBefore = new Map<string, boolean>();
  private readonly now: () => number;
  private windowStart: number;
  private windowRoots = 0;
  /** Successful traces are kept with probability 2^-level ... */
  private level = 0;
  /** ... and each kept one stands for 2^level requests. */
  private adjustedCount = 1;
  /** A local root `settleDeferredRoot` kept and measured: its span's own decision counts it no more. */
  private measuredRoot: string | undefined;
  /** The local root about to end whose trace was chosen as it started (keepChosen). */
  private chosenRoot: string | undefined;
  /** The local root about to end that is kept for a cause of its own (keepForCause). */
  private causeRoot: string | undefined;

  constructor(
    private readonly settings: SuccessSamplerSettings,
    private readonly isFailing: (span: ReadableSpan) => boolean,
    private readonly forward: (span: ReadableSpan) => void,
  ) {
    this.now = settings.now ?? (() => performance.now());
    this.windowStart = this.now();
  }

  /** The share of successful traces currently kept (1 = all). */
  get keptShare(): number {
    return 1 / this.adjustedCount;
  }

  /** Takes a finished span: holds it until its local root ends, or applies the decision already made. */
  admit(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const failing = this.isFailing(span);
    // Most traffic holds nothing (single-span requests): skip the lookup then.
    let trace = this.pending.size === 0 ? undefined : this.pending.get(traceId);
    if (trace === undefined) {
      const decision = this.decided.get(traceId) ?? this.decidedBefore.get(traceId);
      if (decision !== undefined) {
        if (decision || failing) {
          // A late failure makes the rest of the trace worth keeping too.
          if (!decision) this.remember(traceId, true);
          this.forward(span);
        } else {
          this.sampledOutSpans += 1;
        }
        return;
      }
      // Most requests: the local root is the only span still to come (or the only one), so it is
      // decided alone, without being held.
      if (isLocalRoot(span)) {
        this.decideAlone(traceId, span, failing);
        return;
      }
      trace = { spans: [], failing: false };
      this.pending.set(traceId, trace);
    }
    trace.spans.push(span);
    trace.failing ||= failing;
    this.pendingSpans += 1;
    if (isLocalRoot(span)) this.decide(traceId, trace);
    else if (this.pendingSpans > this.settings.maxPendingSpans) this.keepOldestPending();
  }

  /**
   * Whether a successful trace would be kept at the current share: a server span that will not be
   * starts as a bare span context and only becomes a span if `settleDeferredRoot` keeps its trace.
   */
  keepsAtCurrentShare(traceId: string): boolean {
    return keepsSuccess(traceId, this.level);
  }

  /**
   * Decides the trace of a local root that has no span yet (a deferred server span) as it ends: true
   * when it is kept (failing, a failing span of it held, or chosen by its id), and the caller then
   * ends a real span for it, which joins the held spans; false when it is not, and its held spans go
   * (`heldSpans` more were held as data by the caller and are counted with them). A dropped trace's
   * decision is remembered for spans that end after it only when `childStarted` says there can be any
   * (an SDK span was started under it); one started later is announced with `rememberDropped`.
   */
  settleDeferredRoot(traceId: string, failing: boolean, heldSpans: number, childStarted: boolean): boolean {
    this.measureRate();
    const trace = this.pending.size === 0 ? undefined : this.pending.get(traceId);
    if (failing || trace?.failing === true || keepsSuccess(traceId, this.level)) {
      this.measuredRoot = traceId;
      return true;
    }
    this.sampledOutTraces += 1;
    this.sampledOutSpans += 1 + heldSpans + (trace?.spans.length ?? 0);
    if (trace !== undefined) this.release(traceId, trace, false);
    else if (childStarted) this.remember(traceId, false);
    return false;
  }

  /** The next local root of `traceId` to end is kept: its trace was chosen at the share when it started. */
  keepChosen(traceId: string): void {
    this.chosenRoot = traceId;
  }

  /**
   * The next local root of `traceId` to end is kept, though it does not fail: its caller went away
   * before the answer. Unlike a chosen one it stands for itself only (no adjusted count).
   */
  keepForCause(traceId: string): void {
    this.causeRoot = traceId;
  }

  /** A span started under a deferred root `settleDeferredRoot` dropped: it follows that decision. */
  rememberDropped(traceId: string): void {
    this.remember(traceId, false);
  }

  /** Forwards every undecided span (flush, shutdown, crash): when in doubt, keep. */
  releaseAll(): void {
    for (const [traceId, trace] of this.pending) this.release(traceId, trace, true);
  }

  /** Removes and returns every undecided span, for a last synchronous export. */
  takePending(): ReadableSpan[] {
    const spans = [...this.pending.values()].flatMap((trace) => trace.spans);
    this.pending.clear();
    this.pendingSpans = 0;
    return spans;
  }

  private decide(traceId: string, trace: PendingTrace): void {
    this.measureRate(traceId);
    if (trace.failing) {
      this.release(traceId, trace, true);
      return;
    }
    const forCause = this.keptForCause(traceId);
    const keep = this.keepsRoot(traceId) || forCause;
    if (keep && !forCause && this.level > 0) {
      for (const span of trace.spans)
        (span.attributes as Attributes)[ADJUSTED_COUNT_ATTRIBUTE] = this.adjustedCount;
    }
    if (!keep) {
      this.sampledOutTraces += 1;
      this.sampledOutSpans += trace.spans.length;
    }
    this.release(traceId, trace, keep);
  }

  /** `decide` for a local root that is its trace's only span here. */
  private decideAlone(traceId: string, span: ReadableSpan, failing: boolean): void {
    this.measureRate(traceId);
    const forCause = this.keptForCause(traceId) || failing;
    const keep = this.keepsRoot(traceId) || forCause;
    this.remember(traceId, keep);
    if (!keep) {
      this.sampledOutTraces += 1;
      this.sampledOutSpans += 1;
      return;
    }
    if (!forCause && this.level > 0)
      (span.attributes as Attributes)[ADJUSTED_COUNT_ATTRIBUTE] = this.adjustedCount;
    this.forward(span);
  }

  private keptForCause(traceId: string): boolean {
    if (traceId !== this.causeRoot) return false;
    this.causeRoot = undefined;
    return true;
  }

  private keepsRoot(traceId: string): boolean {
    if (traceId !== this.chosenRoot) return keepsSuccess(traceId, this.level);
    this.chosenRoot = undefined;
    return true;
  }

  private release(traceId: string, trace: PendingTrace, keep: boolean): void {
    this.pending.delete(traceId);
    this.pendingSpans -= trace.spans.length;
    this.remember(traceId, keep);
    if (!keep) return;
    if (trace.failing) {
      // Failing spans first, so the export buffer knows the trace is failing before its other spans.
      for (const span of trace.spans) if (this.isFailing(span)) this.forward(span);
      for (const span of trace.spans) if (!this.isFailing(span)) this.forward(span);
    } else {
      for (const span of trace.spans) this.forward(span);
    }
  }

  private keepOldestPending(): void {
    const oldest = this.pending.entries().next().value;
    if (oldest !== undefined) this.release(oldest[0], oldest[1], true);
  }

  private remember(traceId: string, keep: boolean): void {
    if (this.decided.size >= DECISION_GENERATION) {
      this.decidedBefore = this.decided;
      this.decided = new Map();
    }
    this.decided.set(traceId, keep);
  }

  /**
   * Counts local roots; once a window has passed, sets the level so about `tracesPerSecond` are kept.
   * Within a window a burst raises the level as soon as it outgrows it, not a second later.
   */
  private measureRate(traceId?: string): void {
    if (traceId !== undefined && traceId === this.measuredRoot) {
      this.measuredRoot = undefined;
      return;
    }
    this.windowRoots += 1;
    const elapsed = this.now() - this.windowStart;
    if (elapsed < RATE_WINDOW_MS) {
      if (this.windowRoots > this.settings.tracesPerSecond * this.adjustedCount && this.level < MAX_LEVEL)
        this.setLevel(this.level + 1);
      return;
    }
    const perSecond = (this.windowRoots * 1000) / elapsed;
    const ratio = perSecond / this.settings.tracesPerSecond;
    this.setLevel(ratio <= 1 ? 0 : Math.min(MAX_LEVEL, Math.ceil(Math.log2(ratio))));
    this.windowStart += elapsed;
    this.windowRoots = 0;
  }

  private setLevel(level: number): void {
    this.level = level;
    this.adjustedCount = 2 ** level;
  }
}

/** A span whose parent is in another process, or that has none. */
function isLocalRoot(span: ReadableSpan): boolean {
  return span.parentSpanContext === undefined || span.parentSpanContext.isRemote === true;
}
