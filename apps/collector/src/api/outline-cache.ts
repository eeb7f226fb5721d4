import type { Diagnosis } from '@faultline/diagnosis';
import { type LogRecord, type Span, toWireOutline } from '@faultline/model';
import { outlineOfWholeTrace } from '../store/shared/whole-trace-parts.js';
import type { StoredTraceOutline, TraceStamp } from '../store/types.js';

/**
 * Outlines of fewer spans are not kept: the SQLite store reads a 1,000-span outline in a few ms,
 * while a 10,000-span one took 50-85 ms of the event loop per request (and 4-5x that while a browser
 * on the same 2 cores loads the page), most of it the query.
 */
export const KEEP_MIN_SPANS = 1_000;

/** About 30 outlines of 10,000 spans (~0.5 MB each): the collector's whole budget is 150 MiB of RSS. */
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

interface KeptOutline {
  stamp: TraceStamp;
  body: Buffer;
}

/**
 * The JSON of big traces' outlines (`GET /api/traces/:id/outline`), ready to send, each with the
 * stamp of the trace it was built from. It is served only while the trace's stamp is still that one:
 * a span or a log arriving since changes the counts, and the outline is read from the store again.
 * The least recently used go first past `maxBytes`.
 */
export class OutlineCache {
  // A Map iterates in insertion order; an entry is re-inserted on use, so the first is the oldest.
  private readonly kept = new Map<string, KeptOutline>();
  private bytes = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  /** The kept JSON of the trace's outline if it was built from a trace with this stamp. */
  get(traceId: string, stamp: TraceStamp): Buffer | undefined {
    const entry = this.kept.get(traceId);
    if (!entry) return undefined;
    if (!sameStamp(entry.stamp, stamp)) {
      this.forget(traceId);
      return undefined;
    }
    this.kept.delete(traceId);
    this.kept.set(traceId, entry);
    return entry.body;
  }

  /**
   * Serializes an outline read from the store and keeps it when it is big enough. `stamp` is the
   * trace's stamp read before the outline: kept only when the outline saw the same counts, so
   * nothing arrived between the two reads.
   */
  serialize(traceId: string, outline: StoredTraceOutline, stamp: TraceStamp): Buffer {
    const body = outlineJson(traceId, outline);
    const seen = { spanCount: outline.spans.length, logCount: outline.logCount };
    if (outline.spans.length >= KEEP_MIN_SPANS && sameStamp(seen, stamp)) this.set(traceId, seen, body);
    return body;
  }

  /**
   * Keeps the outline of a big trace the finalizer has just read whole and judged, so that opening
   * it from the failures page costs a lookup.
   */
  keepJudged(
    traceId: string,
    trace: { spans: Span[]; logs: LogRecord[] },
    diagnosis: Diagnosis | null,
  ): void {
    if (trace.spans.length < KEEP_MIN_SPANS) return;
    const outline = outlineOfWholeTrace(trace, () => diagnosis);
    // The stamp counts distinct spans; a store that hands out two copies of one span id is read again.
    const spanCount = new Set(trace.spans.map((s) => s.spanId)).size;
    if (spanCount !== trace.spans.length) return;
    this.set(traceId, { spanCount, logCount: trace.logs.length }, outlineJson(traceId, outline));
  }

  /** Drops what is kept of a trace (it is gone from the store, or changed). */
  forget(traceId: string): void {
    const entry = this.kept.get(traceId);
    if (!entry) return;
    this.kept.delete(traceId);
    this.bytes -= entry.body.byteLength;
  }

  /** Bytes of JSON kept. */
  get size(): number {
    return this.bytes;
  }

  private set(traceId: string, stamp: TraceStamp, body: Buffer): void {
    if (body.byteLength > this.maxBytes) return;
    this.forget(traceId);
    this.kept.set(traceId, { stamp, body });
    this.bytes += body.byteLength;
    for (const [oldest, entry] of this.kept) {
      if (this.bytes <= this.maxBytes) break;
      this.kept.delete(oldest);
      this.bytes -= entry.body.byteLength;
    }
  }
}

/** The outline as the route answers it. */
function outlineJson(traceId: string, outline: StoredTraceOutline): Buffer {
  return Buffer.from(JSON.stringify(toWireOutline({ traceId, ...outline })));
}

function sameStamp(a: TraceStamp, b: TraceStamp): boolean {
  return a.spanCount === b.spanCount && a.logCount === b.logCount;
}
