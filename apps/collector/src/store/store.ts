import type { LogRecord, Span } from '@faultline/model';

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
  limit: number;
  cursor?: string;
}

/** A page of search results, newest first. */
export interface TracePage {
  traces: TraceSummary[];
  nextCursor: string | null;
}

/** A service with the operations (span names) seen in it. */
export interface ServiceOperations {
  service: string;
  operations: { name: string; kind: Span['kind']; lastSeenUnixNano: bigint }[];
  lastSeenUnixNano: bigint;
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
  /** Writes one batch atomically; resolves only after it is committed. */
  write(spans: readonly Span[], logs: readonly LogRecord[]): Promise<void>;
  /** All spans and logs of one trace, or null when no span of it is stored. */
  getTrace(traceId: string): Promise<{ spans: Span[]; logs: LogRecord[] } | null>;
  searchTraces(query: TraceQuery): Promise<TracePage>;
  listServices(): Promise<ServiceOperations[]>;
  /** Deletes at most `maxTraces` whole traces that are past retention or over the size cap. */
  prune(nowUnixNano: bigint, maxTraces: number): Promise<PruneResult>;
  close(): Promise<void>;
}
