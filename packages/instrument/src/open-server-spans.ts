import type { Span } from '@opentelemetry/api';

/** What the HTTP server tracing keeps per request and lends to this list: its span, and two links. */
export interface OpenServerSpan {
  readonly span: Span;
  newerOpen: OpenServerSpan | undefined;
  olderOpen: OpenServerSpan | undefined;
  /** The request's span to record on, made now if it was deferred; undefined if it does not record. */
  recordingSpan(): Span | undefined;
}

/**
 * The HTTP server spans of requests still in flight. When the process crashes these spans would never
 * end, and the trace of the very request that crashed it would never arrive; the crash handler ends
 * them instead. A list threaded through the requests' own records (http-server-tracing.ts adds one as
 * its span starts and removes it as it ends): no per-request allocation, and none of the rehashing a
 * Set does under a steady add/delete churn, a cost every request would pay.
 */
export class OpenServerSpans {
  private newest: OpenServerSpan | undefined;

  /** Remembers a request's server span until `remove`. */
  add(entry: OpenServerSpan): void {
    entry.olderOpen = this.newest;
    entry.newerOpen = undefined;
    if (this.newest !== undefined) this.newest.newerOpen = entry;
    this.newest = entry;
  }

  /** Forgets a request's server span; nothing happens if it is not in the list. */
  remove(entry: OpenServerSpan): void {
    if (entry.newerOpen === undefined && this.newest !== entry) return;
    if (entry.newerOpen === undefined) this.newest = entry.olderOpen;
    else entry.newerOpen.olderOpen = entry.olderOpen;
    if (entry.olderOpen !== undefined) entry.olderOpen.newerOpen = entry.newerOpen;
    entry.newerOpen = undefined;
    entry.olderOpen = undefined;
  }

  /** The recording server spans not yet ended, oldest first (a crash records on them and ends them). */
  list(): Span[] {
    const spans: Span[] = [];
    for (let entry = this.newest; entry !== undefined; entry = entry.olderOpen) {
      const span = entry.recordingSpan();
      if (span !== undefined) spans.unshift(span);
    }
    return spans;
  }

  /** The recording span of the open request whose server span is `span` (for a deferred one, made now). */
  recordingSpanOf(span: Span | undefined): Span | undefined {
    if (span === undefined) return undefined;
    for (let entry = this.newest; entry !== undefined; entry = entry.olderOpen) {
      if (entry.span === span) return entry.recordingSpan();
    }
    return undefined;
  }
}
