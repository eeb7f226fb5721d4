/**
 * The verdict's shape. Fixed by /work/shared/contract.md (Diagnosis section): `cause` names and the
 * fields `originSpanId`, `originService`, `cause`, `summary`, `path`, `evidence`. Everything here is
 * JSON-safe (no bigint), because the collector sends it as is and the UI may compute it in the browser.
 */

/** Why the entry request failed, as one of the contract's fixed names. */
export type Cause =
  | 'exception'
  | 'db_pool_exhausted'
  | 'db_timeout'
  | 'db_error'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'uninstrumented_upstream'
  | 'explicit_5xx'
  | 'unknown';

/** One parsed line of a V8 stack trace. */
export interface StackFrame {
  /** Function as V8 prints it (`getOrder`, `Object.<anonymous>`, `async Promise.all`); absent for top-level code. */
  functionName?: string;
  /** File path or URL as printed, with any `file://` scheme removed. */
  file: string;
  line?: number;
  column?: number;
}

/** The state of a connection pool at the moment a checkout waited or failed. */
export interface PoolState {
  total?: number;
  idle?: number;
  waiting?: number;
  max?: number;
}

/** A log record correlated with the failure (severity WARN or above). */
export interface EvidenceLog {
  /** Nanoseconds since the epoch, as a decimal string. */
  timeUnixNano: string;
  service: string;
  spanId: string | null;
  severityNumber: number;
  severityText: string;
  body: string;
}

/** What the called service was doing when its caller gave up (upstream timeouts). */
export interface UpstreamState {
  spanId: string;
  service: string;
  name: string;
  durationMs: number;
  /** `still running` when its span ended after the caller's, else its status (`HTTP 500`, `OK`). */
  outcome: string;
}

/** The facts the verdict rests on, read from the origin span, its neighbours and the trace's logs. */
export interface Evidence {
  /** The rule that chose the cause, in words ("pg-pool.connect failed: timeout exceeded when trying to connect"). */
  matchedRule: string;
  /** The origin's operation: http.route, or the span name (with the peer for bare HTTP client names). */
  operation: string;
  spanName: string;
  spanKind: string;
  durationMs: number;
  /** The entry request's HTTP status, when it has one. */
  entryStatusCode?: number;
  /** The HTTP status the origin span recorded (answered, or received for client spans). */
  httpStatusCode?: number;
  httpMethod?: string;
  /** Route of the origin's own service (the nearest server span above it, or itself). */
  httpRoute?: string;
  url?: string;
  /** `host:port` the origin called (HTTP client or database), else the URL. */
  peerAddress?: string;
  statusMessage?: string;
  errorType?: string;
  exceptionType?: string;
  exceptionMessage?: string;
  stacktrace?: string;
  /** First frame outside node_modules and node: internals. */
  topFrame?: StackFrame;
  dbSystem?: string;
  dbNamespace?: string;
  queryText?: string;
  /** SQLSTATE for PostgreSQL; the driver's error code for others (SQLITE_BUSY, ER_LOCK_WAIT_TIMEOUT). */
  dbErrorCode?: string;
  pool?: PoolState;
  /** Error codes seen on the origin (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, 57014, ...). */
  errorCodes?: string[];
  upstream?: UpstreamState;
  /** True when the path crosses a span whose parent never arrived (lost or still arriving). */
  pathHasGap?: boolean;
  logs: EvidenceLog[];
}

/** A span above the origin that passed the failure on, and whether it changed its form. */
export interface PropagationStep {
  spanId: string;
  service: string;
  name: string;
  httpStatusCode?: number;
  /** True when this span changed the failure (a 503 answered as 500, an upstream error re-thrown as a new exception). */
  transformed: boolean;
  /** What changed, e.g. "HTTP 503 -> HTTP 500"; present when transformed. */
  change?: string;
}

/** A failure in the trace that was not the one the entry request surfaced (earlier retries, other fan-out branches). */
export interface OtherFailure {
  spanId: string;
  service: string;
  name: string;
  reason: string;
  /** True for a failing call the request recovered from (a later call succeeded) before it failed otherwise. */
  handled?: boolean;
  /** For a handled failure: the cause it would have been given had it been the origin. */
  cause?: Cause;
}

/** The verdict for one failing request. */
export interface Diagnosis {
  originSpanId: string;
  originService: string;
  cause: Cause;
  /** One sentence a person reads, starting with the entry status. */
  summary: string;
  /** Span ids from the entry root to the origin. */
  path: string[];
  evidence: Evidence;
  /** Concrete checks and fixes for this cause, plain text. */
  nextSteps: string[];
  /** Spans between the entry and the origin, entry first; absent when the origin is the entry. */
  propagatedBy?: PropagationStep[];
  /** What also happened: failures that were not the one the request surfaced (the UI's "Also happened"). */
  otherFailures?: OtherFailure[];
}
