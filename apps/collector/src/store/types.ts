import type { Diagnosis } from '@faultline/diagnosis';
import type { Attributes, LogRecord, Span, SpanOutline } from '@faultline/model';

/*
 * The neutral types the Store contract (store.ts) speaks in. Both backends, the finalizer, alerts and
 * the API import them from here, so that nothing above a backend reads a backend's own files.
 */

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
 * How the finalizer loop runs on a backend (finalize/finalize-loop.ts has the meaning of each). The
 * backend in use chooses, not the configuration: tests hand a ClickHouse store to a default config.
 */
export interface FinalizeTuning {
  /** A trace is finalized once quiet this long (ms); BuildOptions.diagnosisQuietMs overrides it. */
  quietMs: number;
  intervalMs: number;
  batchSize: number;
  roundBudgetMs: number;
  sliceMs?: number;
}

/** What one retention step removed. */
export interface PruneResult {
  tracesDeleted: number;
  logsDeleted: number;
}

/** What the collector keeps of one trace's verdict, to group failures. */
export interface DiagnosisRecord {
  fingerprint: string;
  originSpanId: string;
  originService: string;
  originOperation: string;
  /** Where the failure sits on the service map: the origin service, or an uninstrumented peer. */
  originNode: string;
  cause: string;
  exceptionType: string | null;
  message: string | null;
  summary: string;
  version: string | null;
  entryEndpoint: string | null;
  /** The origin service's endpoint that was serving when it failed ("GET /orders/:id"), if any. */
  originEndpoint: string | null;
  startTimeUnixNano: bigint;
  /** The verdict carried saturation evidence (a saturated callee or process: issue 24). */
  saturated?: boolean;
}

/** A trace waiting to be finalized; only those with errors need a diagnosis. */
export interface PendingTrace {
  traceId: string;
  /**
   * The trace's state when it was offered, handed back to `finalizeTrace`: the trace is offered again
   * only once its stamp changes (SQLite: the time of its last write; ClickHouse: its distinct span count).
   */
  stamp: number;
  hasErrors: boolean;
}

/** What recording a verdict did: opened a new group, counted the trace in one, or changed nothing. */
export type RecordOutcome = 'new_group' | 'counted' | 'unchanged' | 'not_failing';

/** One failure group as stored. */
export interface FailureGroup {
  fingerprint: string;
  originService: string;
  originOperation: string;
  cause: string;
  exceptionType: string | null;
  message: string | null;
  summary: string;
  count: number;
  /** How many of `count` came with saturation evidence. */
  saturatedCount: number;
  firstSeenUnixNano: bigint;
  lastSeenUnixNano: bigint;
  firstVersion: string | null;
  versions: string[];
  entryEndpoints: string[];
  /** The origin service's endpoints the group's failures were reached through (grouped by frame, several). */
  originEndpoints: string[];
  latestTraceId: string;
  sampleTraceIds: string[];
  perMinute: { minuteUnixMs: number; count: number }[];
}

/** Failing and succeeding samples of one operation: span attributes merged with their resource's. */
export interface ComparisonSamples {
  service: string;
  operation: string;
  failing: Attributes[];
  succeeding: Attributes[];
}

/** A node of the service map. */
export interface ServiceMapNode {
  id: string;
  kind: 'service' | 'database' | 'uninstrumented';
  /** Failing traces whose failure originated here. */
  originated: number;
  /** Failing traces that crossed this node without originating here. */
  passedThrough: number;
}

/** A directed edge: calls from `source` to `target`, and how many of them failed. */
export interface ServiceMapEdge {
  source: string;
  target: string;
  calls: number;
  errors: number;
}

/** The service map of traces started since a time. */
export interface ServiceMap {
  nodes: ServiceMapNode[];
  edges: ServiceMapEdge[];
}
