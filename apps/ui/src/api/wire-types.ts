/*
 * JSON shapes of the query API routes whose types are not in @faultline/model (docs/api.md).
 * Nanoseconds arrive as decimal strings; the fetch functions turn them into bigint.
 */

/** One row of `GET /api/traces`. */
export interface WireTraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  httpMethod: string | null;
  httpRoute: string | null;
  httpStatusCode: number | null;
  services: string[];
  /** Set once a failing trace has been diagnosed (about half a second after its last span). */
  cause: string | null;
  originService: string | null;
  /** The failure group's fingerprint. */
  group: string | null;
}

/** `GET /api/traces` answer. */
export interface WireTracePage {
  traces: WireTraceSummary[];
  nextCursor: string | null;
  /** Absent from collectors before the search budget. */
  cutShort?: boolean;
}

/** One group of `GET /api/failures`. */
export interface WireFailureGroup {
  fingerprint: string;
  originService: string;
  originOperation: string;
  cause: string;
  causeLabel: string;
  exceptionType: string | null;
  message: string | null;
  summary: string;
  count: number;
  firstSeenUnixNano: string;
  lastSeenUnixNano: string;
  perMinute: { minuteUnixMs: number; count: number }[];
  entryEndpoints: string[];
  /** The origin service's endpoints the group was reached through (one group per frame, several endpoints). */
  originEndpoints?: string[];
  versions: string[];
  firstVersion: string | null;
  latestTraceId: string;
  sampleTraceIds: string[];
}

/** `GET /api/failures` answer. */
export interface WireFailures {
  groups: WireFailureGroup[];
}

/** `GET /api/services` answer. */
export interface WireServices {
  services: {
    service: string;
    lastSeenUnixNano: string;
    operations: { name: string; kind: string; lastSeenUnixNano: string }[];
  }[];
}

/** One node of `GET /api/service-map`: a service, a database, or a peer that sends no spans. */
export interface WireMapNode {
  id: string;
  kind: 'service' | 'database' | 'uninstrumented';
  /** Failing traces whose failure originated in this node. */
  originated: number;
  /** Failing traces that crossed this node without originating there. */
  passedThrough: number;
}

/** One directed edge of `GET /api/service-map`: calls from `source` to `target`, and how many failed. */
export interface WireMapEdge {
  source: string;
  target: string;
  calls: number;
  errors: number;
}

/** `GET /api/service-map` answer. */
export interface WireServiceMap {
  nodes: WireMapNode[];
  edges: WireMapEdge[];
}

/** `POST /api/import` answer: what the file held and was stored. */
export interface WireImportResult {
  traceIds: string[];
  spans: number;
  logs: number;
  rejectedSpans: number;
}
