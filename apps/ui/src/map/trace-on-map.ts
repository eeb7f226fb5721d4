import type { Diagnosis } from '@faultline/diagnosis';
import {
  DB_SYSTEM,
  HTTP_REQUEST_METHOD,
  httpStatusCodeOf,
  readAttribute,
  readString,
  type Span,
  URL_FULL,
} from '@faultline/model';
import type { WireMapNode } from '../api/wire-types.js';

/** A call one trace makes between two map nodes. */
export interface TraceCall {
  source: string;
  target: string;
  targetKind: WireMapNode['kind'];
  calls: number;
  errors: number;
}

/** What a trace lights up on the service map: nodes, calls (by `edgeKey`) and the failure's origin. */
export interface TraceOnMap {
  nodes: Set<string>;
  calls: Map<string, TraceCall>;
  /** The node the failure originated in; undefined for a trace that did not fail. */
  originNode: string | undefined;
  /** The nodes the failing path crosses, entry first (empty for a trace that did not fail). */
  sequence: string[];
}

/** The key of the edge from `source` to `target`, the same for map edges and trace calls. */
export function edgeKey(source: string, target: string): string {
  return `${source}\u0000${target}`;
}

// The collector names a peer by the address it was called at (apps/collector/src/store/sqlite/edge-store.ts).
const PEER_HOST = ['server.address', 'net.peer.name'] as const;
const PEER_PORT = ['server.port', 'net.peer.port'] as const;

function peerOf(span: Span): string {
  const host = readAttribute(span.attributes, PEER_HOST);
  if (host === undefined || host === null) return 'unknown peer';
  const port = readAttribute(span.attributes, PEER_PORT);
  return port === undefined || port === null ? String(host) : `${String(host)}:${String(port)}`;
}

function failed(span: Span): boolean {
  return span.status.code === 'ERROR' || (httpStatusCodeOf(span.attributes) ?? 0) >= 500;
}

/** The map call one span stands for, if any (the caller's side of the edge is `source`). */
function callOf(
  span: Span,
  byId: ReadonlyMap<string, Span>,
  hasChild: ReadonlySet<string>,
): Omit<TraceCall, 'calls' | 'errors'> | undefined {
  const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
  if (span.kind === 'SERVER') {
    return parent && parent.service !== span.service
      ? { source: parent.service, target: span.service, targetKind: 'service' }
      : undefined;
  }
  if (span.kind !== 'CLIENT') return undefined;
  const dbSystem = readString(span.attributes, DB_SYSTEM);
  if (dbSystem) return { source: span.service, target: dbSystem, targetKind: 'database' };
  const isHttp =
    readString(span.attributes, HTTP_REQUEST_METHOD) !== undefined ||
    readString(span.attributes, URL_FULL) !== undefined;
  if (isHttp && !hasChild.has(span.spanId))
    return { source: span.service, target: peerOf(span), targetKind: 'uninstrumented' };
  return undefined;
}

/**
 * The map calls the spans in `selected` stand for, by the collector's rules, so a trace lines up with
 * the map it is drawn on:
 * - service -> service: a SERVER span whose parent (the caller's CLIENT span) is in another service;
 * - service -> database: a CLIENT span naming a database system;
 * - service -> uninstrumented peer: an HTTP CLIENT span with no span below it, named by its address.
 */
export function callsOfSpans(spans: readonly Span[], selected: ReadonlySet<string>): Map<string, TraceCall> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const hasChild = new Set(spans.map((s) => s.parentSpanId).filter((id) => id !== null));
  const calls = new Map<string, TraceCall>();
  for (const span of spans) {
    if (!selected.has(span.spanId)) continue;
    const call = callOf(span, byId, hasChild);
    if (!call) continue;
    const key = edgeKey(call.source, call.target);
    const counted = calls.get(key) ?? { ...call, calls: 0, errors: 0 };
    counted.calls++;
    if (failed(span)) counted.errors++;
    calls.set(key, counted);
  }
  return calls;
}

/**
 * What to highlight on the map for one trace: for a failing trace, its failing path (entry to origin)
 * with the origin node marked; for a trace that did not fail, every call it made.
 */
export function traceOnMap(spans: readonly Span[], diagnosis: Diagnosis | null): TraceOnMap {
  const selected = new Set(diagnosis ? diagnosis.path : spans.map((s) => s.spanId));
  const calls = callsOfSpans(spans, selected);
  const nodes = new Set<string>();
  for (const span of spans) if (selected.has(span.spanId)) nodes.add(span.service);
  for (const call of calls.values()) nodes.add(call.source).add(call.target);
  if (!diagnosis) return { nodes, calls, originNode: undefined, sequence: [] };
  // As the collector counts it: a failure at an uninstrumented peer sits at the peer's address.
  const originNode =
    diagnosis.cause === 'uninstrumented_upstream' && diagnosis.evidence.peerAddress
      ? diagnosis.evidence.peerAddress
      : diagnosis.originService;
  nodes.add(originNode);
  return { nodes, calls, originNode, sequence: pathSequence(spans, diagnosis.path, originNode) };
}

/** The nodes a failing path crosses, in order: "gateway, orders, postgresql". */
function pathSequence(spans: readonly Span[], path: readonly string[], originNode: string): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const hasChild = new Set(spans.map((s) => s.parentSpanId).filter((id) => id !== null));
  const sequence: string[] = [];
  const visit = (node: string) => {
    if (sequence.at(-1) !== node) sequence.push(node);
  };
  for (const spanId of path) {
    const span = byId.get(spanId);
    if (!span) continue;
    visit(span.service);
    const call = callOf(span, byId, hasChild);
    if (call && call.targetKind !== 'service') visit(call.target);
  }
  if (!sequence.includes(originNode)) visit(originNode);
  return sequence;
}
