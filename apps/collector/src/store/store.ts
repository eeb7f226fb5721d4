import type { LogRecord, Span } from '@faultline/model';
import type {
  ComparisonSamples,
  Diagnose,
  DiagnosisRecord,
  FailureGroup,
  FinalizeItem,
  FinalizeTuning,
  PendingTrace,
  PruneResult,
  RecordOutcome,
  ServiceMap,
  ServiceOperations,
  SpanWithLogs,
  StitchCallWindow,
  StitchNeighbours,
  StoredTraceOutline,
  TracePage,
  TracePart,
  TraceQuery,
  TraceReadLimits,
  TraceStamp,
} from './types.js';

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

/**
 * The storage interface everything above the store uses (ingest, API, diagnosis), so that a second
 * backend (ClickHouse) is an implementation, not a rewrite. Methods are async for that reason even
 * though SQLite answers synchronously.
 */
export interface Store {
  /** How the finalizer loop runs on this backend. */
  readonly finalizeTuning: FinalizeTuning;
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
