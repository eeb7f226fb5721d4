import type { WireLogRecord, WireSpan } from './wire.js';

/*
 * JSON answers of the collector's query API (docs/api.md), declared once: the collector's routes
 * return them and the UI's fetch functions read them, so a change on one side that the other does
 * not follow fails the type check. Nanoseconds are decimal strings. The diagnosis engine's types are
 * type parameters (`D`, a Diagnosis; `Diff`, a TraceDiff; `V`, an OverRepresentedValue): this
 * package depends on nothing, the engine depends on it.
 */

/** One row of `GET /api/traces`. */
export interface WireTraceSummary {
  traceId: string;
  /** Null when the store has no root for the trace (the store's type allows it). */
  rootService: string | null;
  rootName: string | null;
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
  /** The search stopped at its budget; absent from collectors before the search budget. */
  cutShort?: boolean;
}

/** `GET /api/services` answer. */
export interface WireServices {
  services: {
    service: string;
    lastSeenUnixNano: string;
    operations: { name: string; kind: string; lastSeenUnixNano: string }[];
  }[];
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
  /** How many of `count` came with saturation evidence (issue 24); absent from older collectors. */
  saturatedCount?: number;
  firstSeenUnixNano: string;
  lastSeenUnixNano: string;
  perMinute: { minuteUnixMs: number; count: number }[];
  entryEndpoints: string[];
  /** The origin service's endpoints the group was reached through; absent from older collectors. */
  originEndpoints?: string[];
  versions: string[];
  firstVersion: string | null;
  /** A newer version of the origin service that started after the group was last seen (a fix took). */
  notSeenSince?: { version: string; startedUnixNano: string } | null;
  latestTraceId: string;
  sampleTraceIds: string[];
}

/** `GET /api/failures` answer. */
export interface WireFailures {
  groups: WireFailureGroup[];
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

/** A field of a span or log left out of a trace part for its size. */
export interface WireOmittedField {
  /** The span's id, or for a log `log:` and the log's id in the store. */
  item: string;
  field: 'attributes' | 'events' | 'links' | 'body';
  storedBytes: number;
}

/** What a trace answered in parts adds (docs/api.md): absent when the trace came whole. */
export interface WireTracePartFields {
  truncated?: true;
  /** How to go on, in words. */
  message?: string;
  nextCursor?: string | null;
  omitted?: WireOmittedField[];
}

/** `GET /api/traces/:traceId` (contract shape). */
export interface WireTrace<D> extends WireTracePartFields {
  traceId: string;
  spans: WireSpan[];
  logs: WireLogRecord[];
  diagnosis: D | null;
}

/** `GET /api/traces/:traceId?resources=shared`: each resource once, spans and logs refer to it by index. */
export interface WireSharedTrace<D> extends WireTracePartFields {
  traceId: string;
  resources: WireSpan['resource'][];
  spans: (Omit<WireSpan, 'resource'> & { resourceRef: number })[];
  logs: (Omit<WireLogRecord, 'resource'> & { resourceRef: number })[];
  diagnosis: D | null;
}

/** `GET /api/traces/:traceId/compare`: the trace against the nearest successful one of the same entry. */
export interface WireTraceComparison<Diff> {
  traceId: string;
  /** Null when no request of that entry has succeeded (then `diff` is null too). */
  baselineTraceId: string | null;
  diff: Diff | null;
}

/** `GET /api/failures/:fingerprint/compare`: attribute values over-represented among a group's failures. */
export interface WireGroupComparison<V> {
  fingerprint: string;
  service: string;
  operation: string;
  failingCount: number;
  succeedingCount: number;
  overRepresented: V[];
}

/** `POST /api/import` answer: what the file held and was stored. */
export interface WireImportResult {
  traceIds: string[];
  spans: number;
  logs: number;
  rejectedSpans: number;
}
