import type { Diagnosis } from '@faultline/diagnosis';
import { type LogRecord, SPAN_KIND_NAMES, type Span, type SpanOutline } from '@faultline/model';
import type { ServiceMap } from './shared/service-map.js';
import type { ComparisonSamples } from './sqlite/comparison-store.js';
import type { DiagnosisRecord, FailureGroup, PendingTrace, RecordOutcome } from './sqlite/failure-store.js';

/** One row of a trace search: the per-trace summary kept up to date as spans arrive. */
export interface TraceSummary {
  traceId: string;
  rootService: string | null;
  rootName: string | null;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  spanCount: number;
  errorCount: number;
  httpMethod: string | null;
  httpRoute: string | null;
  httpStatusCode: number | null;
  services: string[];
  /** For diagnosed failing traces: the cause and origin service. */
  cause: string | null;
  originService: string | null;
  fingerprint: string | null;
}

/** Filters of `GET /api/traces`; every field optional. */
export interface TraceQuery {
  service?: string;
  operation?: string;
  errorsOnly?: boolean;
  httpStatusCode?: number;
  minDurationMs?: number;
  maxDurationMs?: number;
  startTimeUnixNano?: bigint;
  endTimeUnixNano?: bigint;
  /** Span attribute equality filters, e.g. `{ 'http.route': '/orders/:id' }`. */
  attributes?: Record<string, string>;
  /** Only traces of this failure group (fingerprint). */
  group?: string;
  limit: number;
  cursor?: string;
}

/** A page of search results, newest first. */
export interface TracePage {
  traces: TraceSummary[];
  nextCursor: string | null;
  /**
   * True when the search stopped at its budget before it filled the page or reached the end:
   * `nextCursor` goes on from where it stopped.
   */
  cutShort?: boolean;
}

/** A service with the operations (span names) seen in it. */
export interface ServiceOperations {
  service: string;
  operations: { name: string; kind: Span['kind']; lastSeenUnixNano: bigint }[];
  lastSeenUnixNano: bigint;
}

/** One quiet trace to finalize, with its verdict (null when its entry request did not fail). */
export interface FinalizeItem {
  traceId: string;
  /** The `stamp` of the pending trace (see PendingTrace). */
  stamp: number;
  record: DiagnosisRecord | null;
  /** The whole verdict, for a store that keeps it so opening the trace needs no diagnosis. */
  verdict?: KeptVerdict;
}

/**
 * A trace's whole verdict as the finalizer worked it out. A null diagnosis does not depend on logs;
 * one that does counts the logs it saw, because a log arriving later does not change the trace's
 * stamp (logs are not spans) yet may add to the evidence.
 */
export type KeptVerdict = { diagnosis: null } | { diagnosis: Diagnosis; logCount: number };

/** Works a trace's verdict out from all of its spans and logs (the diagnosis engine). */
export type Diagnose = (spans: readonly Span[], logs: readonly LogRecord[]) => Diagnosis | null;

/** One span and its logs (in time order): what the trace page shows of a selected span. */
export interface SpanWithLogs {
  span: Span;
  logs: LogRecord[];
  /** Fields stored as too much text to send (see TraceReadLimits.maxFieldBytes); absent when none. */
  omitted?: OmittedField[];
  /** True when the span has more logs than one answer holds: `logs` are its first ones. */
  logsCut?: boolean;
}

/** A trace's outline: every span's place, time and outcome, the verdict, and how many logs it has. */
export interface StoredTraceOutline {
  spans: SpanOutline[];
  logCount: number;
  diagnosis: Diagnosis | null;
  /** The origin span's details when the trace failed, so its page shows the exception at once. */
  origin: SpanWithLogs | null;
}

/**
 * What a trace holds, counted: its distinct spans and its logs. Spans and logs are only ever added to
 * a trace (until retention drops it whole), so equal counts mean nothing was stored in between: what
 * was built from the trace then is still right (api/outline-cache.ts).
 */
export interface TraceStamp {
  spanCount: number;
  logCount: number;
}

/**
 * What the stitcher reads around one call or one root span (docs/diagnosis.md, "Stitched traces"):
 * spans only, each read whole; `full` says a list stopped at its limit, so a match in it would not be
 * known to be the only one.
 */
export interface StitchNeighbours {
  /** Parentless failing SERVER spans, of the calls' method, of traces that started in the window. */
  roots: Span[];
  /** Diagnosed traces' origin CLIENT spans (see StitchCallWindow), with their trace's cause. */
  calls: { span: Span; cause: string }[];
  full: boolean;
}

/** Which failed calls a stitch lookup reads: time-overlapping calls of one HTTP method. */
export interface StitchCallWindow {
  /** The call's trace started at or after this (ns): how far back its caller may have started. */
  tracesFromNs: bigint;
  /** The call span overlaps [overlapsFromNs, overlapsToNs] (ns). */
  overlapsFromNs: bigint;
  overlapsToNs: bigint;
  /** `http.request.method` of the call. */
  method: string;
}

/** Groups (service, operation, kind, last seen) rows, sorted by service then name, per service. */
export function groupOperations(
  rows: Iterable<{ service: string; name: string; kind: number; lastSeenUnixNano: bigint }>,
): ServiceOperations[] {
  const services = new Map<string, ServiceOperations>();
  for (const row of rows) {
    let entry = services.get(row.service);
    if (!entry) {
      entry = { service: row.service, operations: [], lastSeenUnixNano: 0n };
      services.set(row.service, entry);
    }
    entry.operations.push({
      name: row.name,
      kind: SPAN_KIND_NAMES[row.kind] ?? 'UNSPECIFIED',
      lastSeenUnixNano: row.lastSeenUnixNano,
    });
    if (row.lastSeenUnixNano > entry.lastSeenUnixNano) entry.lastSeenUnixNano = row.lastSeenUnixNano;
  }
  return [...services.values()];
}

/** How much one read of a trace may hold (see `Store.readTracePart`). */
export interface TraceReadLimits {
  /** Spans plus log records. */
  maxItems: number;
  /** Estimated bytes of the JSON answer, counted from the stored text of each row. */
  maxBytes: number;
  /**
   * A span's attributes, events or links (a log's body or attributes) stored as more text than this
   * are left out of the part, and named in `omitted`, rather than decoded.
   */
  maxFieldBytes: number;
}

/** A field of a span or log left out of a trace part for its size. */
export interface OmittedField {
  /** The span's id, or for a log `log:` and the log's id in the store. */
  item: string;
  field: 'attributes' | 'events' | 'links' | 'body';
  storedBytes: number;
}

/**
 * A part of a trace: its spans first, then its logs, each in the store's own order (not by time), so
 * that the next part starts where this one ended without reading what came before.
 */
export interface TracePart {
  spans: Span[];
  logs: LogRecord[];
  omitted: OmittedField[];
  /** Where the next part starts (opaque, from this store); null when this part ends the trace. */
  next: string | null;
}

/**
 * Thrown by a store's `write` when the store could not be reached or could not write now (network
 * error, timeout, a server that is overloaded or read-only): the batch itself may be fine, so the
 * client is told to retry (503), never that its data is bad. Each store decides which of its own
 * failures are this; any other error from `write` means the store refused the batch's content.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** What one retention step removed. */
export interface PruneResult {
  tracesDeleted: number;
  logsDeleted: number;
}

/**
 * The storage interface everything above the store uses (ingest, API, diagnosis), so that a second
 * backend (ClickHouse) is an implementation, not a rewrite. Methods are async for that reason even
 * though SQLite answers synchronously.
 */
export interface Store {
  /**
   * Writes one batch; resolves only after it is committed. Rejects with `StoreUnavailableError` when
   * the store cannot be reached or cannot write now; any other rejection is a refusal of the content.
   */
  write(spans: readonly Span[], logs: readonly LogRecord[]): Promise<void>;
  /** All spans and logs of one trace, or null when no span of it is stored. */
  getTrace(traceId: string): Promise<{ spans: Span[]; logs: LogRecord[] } | null>;
  /**
   * A bounded part of a trace from `from` (a `next` of an earlier part; null for the start), or null
   * when no span of it is stored. Throws a coded 400 for a `from` this store did not hand out.
   */
  readTracePart(traceId: string, from: string | null, limits: TraceReadLimits): Promise<TracePart | null>;
  /**
   * A trace's outline, or null when no span of it is stored. The verdict is the one kept at
   * finalization when it is still current; otherwise `diagnose` works it out from the whole trace.
   */
  getTraceOutline(traceId: string, diagnose: Diagnose): Promise<StoredTraceOutline | null>;
  /** The trace's counts, or null when no span of it is stored; a lookup, not a read of its spans. */
  traceStamp(traceId: string): Promise<TraceStamp | null>;
  /** One span of a trace and its logs, or null when that span is not stored. */
  getSpan(traceId: string, spanId: string): Promise<SpanWithLogs | null>;
  /** The logs of a trace, or null when no span of it is stored (as `getTrace`). */
  getTraceLogs(traceId: string): Promise<LogRecord[] | null>;
  /**
   * The logs of a trace within `limits`, as a part with no spans whose `next` goes on through
   * `readTracePart`; null when no span of the trace is stored.
   */
  readTraceLogs(traceId: string, limits: TraceReadLimits): Promise<TracePart | null>;
  searchTraces(query: TraceQuery): Promise<TracePage>;
  listServices(): Promise<ServiceOperations[]>;
  /** Traces changed since they were last finalized and quiet since `quietSinceMs`. */
  pendingTraces(quietSinceMs: number, limit: number): Promise<PendingTrace[]>;
  /**
   * Finalizes a quiet trace: counts its service-map edges, and records its verdict (null when its
   * entry request did not fail) into its failure group.
   */
  finalizeTrace(traceId: string, stamp: number, record: DiagnosisRecord | null): Promise<RecordOutcome>;
  /** `finalizeTrace` for many traces at once (one transaction where the backend has them), in order. */
  finalizeTraces(items: readonly FinalizeItem[]): Promise<RecordOutcome[]>;
  /** Failure groups seen since `sinceNs`, most recent first, with per-minute counts since `minutesSinceMs`. */
  failureGroups(sinceNs: bigint, limit: number, minutesSinceMs: number): Promise<FailureGroup[]>;
  /** The first version of a service that started serving after a time (to say a fix took). */
  versionStartedAfter(
    service: string,
    afterNs: bigint,
    failingVersions: readonly string[],
  ): Promise<{ version: string; firstSeenUnixNano: bigint } | null>;
  /** The failure group a diagnosed trace was counted in, if any. */
  groupOfTrace(traceId: string): Promise<FailureGroup | null>;
  /** The successful trace of the same entry operation closest in time to a trace, if any. */
  nearestSuccessfulTrace(traceId: string): Promise<string | null>;
  /** A failure group's origin spans and the same operation's spans in successful requests. */
  groupSamples(fingerprint: string): Promise<ComparisonSamples | null>;
  /**
   * For stitching traces a proxy broke: root server spans of failing traces that started within
   * `roots` (ns, inclusive; null for none), and the origin client spans of diagnosed traces that
   * `calls` describes; at most `limit` of each, read through indexed ranges of trace start.
   */
  stitchNeighbours(
    roots: { fromNs: bigint; toNs: bigint } | null,
    calls: StitchCallWindow,
    limit: number,
  ): Promise<StitchNeighbours>;
  /**
   * Marks traces to be finalized again (their verdict may now be stitched to a trace that arrived
   * after them); a trace unknown to the store is skipped.
   */
  reopenTraces(traceIds: readonly string[]): Promise<void>;
  /** Services, databases and uninstrumented peers, with call and failure counts. */
  serviceMap(sinceNs: bigint): Promise<ServiceMap>;
  /** Deletes at most `maxTraces` whole traces that are past retention or over the size cap. */
  prune(nowUnixNano: bigint, maxTraces: number): Promise<PruneResult>;
  close(): Promise<void>;
}
