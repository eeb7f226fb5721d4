import type { LogRecord } from '@faultline/model';
import type { Trace } from '../api/trace-api.js';
import type { SpanDetail } from '../api/trace-outline-api.js';

/** Something loaded on demand: still on its way, here, or failed. */
export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'ready'; value: T }
  | { state: 'failed'; error: Error };

/** How a trace's details are fetched when asked for one at a time. */
export interface DetailFetchers {
  span(spanId: string, signal: AbortSignal): Promise<SpanDetail>;
  logs(signal: AbortSignal): Promise<LogRecord[]>;
}

const LOADING: Loaded<never> = { state: 'loading' };

/**
 * The details of one trace's spans (attributes, events, links, resource, logs) that the outline leaves
 * out: all of them at once from the whole trace, or span by span as they are asked for. Each is
 * fetched once and kept; listeners hear when any arrive.
 */
export class TraceDetails {
  private readonly spans = new Map<string, Loaded<SpanDetail>>();
  private allLogs: Loaded<LogRecord[]> | undefined;
  /** Set while (or once) the whole trace is loading: every answer comes from it. */
  private whole: Loaded<true> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  private arrivals = 0;

  private constructor(private readonly fetchers: DetailFetchers | undefined) {}

  /** The details of a trace already loaded whole: nothing is fetched. */
  static of(trace: Trace): TraceDetails {
    const details = new TraceDetails(undefined);
    details.fill(trace);
    return details;
  }

  /** Loads the whole trace now, in one request, and answers every span from it. */
  static whole(load: (signal: AbortSignal) => Promise<Trace>): TraceDetails {
    const details = new TraceDetails(undefined);
    details.whole = LOADING;
    load(details.controller.signal).then(
      (trace) => details.fill(trace),
      (error: Error) => details.settle(() => (details.whole = { state: 'failed', error })),
    );
    return details;
  }

  /** Fetches each span's details, and the trace's logs, the first time they are asked for. */
  static bySpan(fetchers: DetailFetchers): TraceDetails {
    return new TraceDetails(fetchers);
  }

  /** Takes one span's details that came with something else (the origin's, with the outline). */
  seed(detail: SpanDetail): void {
    if (this.spans.get(detail.span.spanId)?.state !== 'ready')
      this.spans.set(detail.span.spanId, { state: 'ready', value: detail });
  }

  /** One span's details; the first call starts loading them. */
  span(spanId: string): Loaded<SpanDetail> {
    const known = this.spans.get(spanId);
    if (known) return known;
    if (this.whole) return this.whole.state === 'ready' ? notInTrace(spanId) : this.whole;
    this.spans.set(spanId, LOADING);
    this.fetchers!.span(spanId, this.controller.signal).then(
      (value) => this.settle(() => this.spans.set(spanId, { state: 'ready', value })),
      (error: Error) => this.settle(() => this.spans.set(spanId, { state: 'failed', error })),
    );
    return LOADING;
  }

  /** Every log of the trace, in time order; the first call starts loading them. */
  logs(): Loaded<LogRecord[]> {
    if (this.allLogs) return this.allLogs;
    if (this.whole) return this.whole.state === 'ready' ? { state: 'ready', value: [] } : this.whole;
    this.allLogs = LOADING;
    this.fetchers!.logs(this.controller.signal).then(
      (value) => this.settle(() => (this.allLogs = { state: 'ready', value })),
      (error: Error) => this.settle(() => (this.allLogs = { state: 'failed', error })),
    );
    return LOADING;
  }

  /** Counts arrivals (and failures), so a subscriber can tell whether it missed one. */
  get version(): number {
    return this.arrivals;
  }

  /** Calls `listener` whenever details arrive or fail; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops loading (the page is left); nothing is reported after this. */
  dispose(): void {
    this.controller.abort();
    this.listeners.clear();
  }

  private fill(trace: Trace): void {
    const logsBySpan = new Map<string, LogRecord[]>();
    for (const log of trace.logs) {
      if (log.spanId === null) continue;
      const list = logsBySpan.get(log.spanId);
      if (list) list.push(log);
      else logsBySpan.set(log.spanId, [log]);
    }
    this.settle(() => {
      for (const span of trace.spans) {
        this.spans.set(span.spanId, {
          state: 'ready',
          value: { span, logs: logsBySpan.get(span.spanId) ?? [] },
        });
      }
      this.allLogs = { state: 'ready', value: trace.logs };
      this.whole = { state: 'ready', value: true };
    });
  }

  private settle(change: () => void): void {
    if (this.controller.signal.aborted) return;
    change();
    this.arrivals++;
    for (const listener of this.listeners) listener();
  }
}

function notInTrace(spanId: string): Loaded<never> {
  return { state: 'failed', error: new Error(`span ${spanId} is not in this trace`) };
}
