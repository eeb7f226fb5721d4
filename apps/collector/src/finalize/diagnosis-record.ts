import { createHash } from 'node:crypto';
import { type Diagnosis, failureFingerprint } from '@faultline/diagnosis';
import { HTTP_REQUEST_METHOD, HTTP_ROUTE, readString, SERVICE_VERSION, type Span } from '@faultline/model';
import type { DiagnosisRecord } from '../store/types.js';

/** "GET /api/orders/:id": the entry request's method and route (or span name when no route). */
function endpointOf(span: Span): string {
  const method = readString(span.attributes, HTTP_REQUEST_METHOD);
  const route = readString(span.attributes, HTTP_ROUTE) ?? span.name;
  return method && !route.startsWith(method) ? `${method} ${route}` : route;
}

/**
 * "GET /orders/:id": the endpoint of the origin's own service that was serving when it failed, from
 * the nearest SERVER span at or above the origin in that service (its route, or the route a framework
 * span under it recorded). Null when the origin's service was not serving an HTTP request.
 */
function originEndpointOf(origin: Span, byId: ReadonlyMap<string, Span>): string | null {
  let route: string | undefined;
  const seen = new Set<string>();
  for (let span: Span | undefined = origin; span && span.service === origin.service; ) {
    if (seen.has(span.spanId)) break; // a parent loop in hostile data
    seen.add(span.spanId);
    route ??= readString(span.attributes, HTTP_ROUTE);
    if (span.kind === 'SERVER') {
      const method = readString(span.attributes, HTTP_REQUEST_METHOD);
      const own = readString(span.attributes, HTTP_ROUTE) ?? route;
      if (!own) return null;
      return method && !own.startsWith(method) ? `${method} ${own}` : own;
    }
    span = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
  }
  return route ?? null;
}

/** What the store keeps of a verdict to group failures: fingerprint, origin, version, entry endpoint. */
export function toDiagnosisRecord(diagnosis: Diagnosis, spans: readonly Span[]): DiagnosisRecord {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const entry = byId.get(diagnosis.path[0] ?? '') ?? spans[0]!;
  const origin = byId.get(diagnosis.originSpanId) ?? entry;
  const { evidence } = diagnosis;
  // A stitched verdict's origin is in the callee's trace: its version is not known from this one.
  const version = diagnosis.continuedIn ? undefined : origin.resource[SERVICE_VERSION];
  return {
    // The engine's fingerprint is readable text (service | operation | cause | …); its hash is a short,
    // URL-safe group id.
    fingerprint: createHash('sha256').update(failureFingerprint(diagnosis, spans)).digest('hex').slice(0, 16),
    // A stitched verdict is kept at the call that left this trace: the stitcher finds it there as a
    // rival of later look-alike calls (store/sqlite/sqlite-stitch.ts).
    originSpanId: diagnosis.continuedIn?.fromSpanId ?? diagnosis.originSpanId,
    originService: diagnosis.originService,
    originOperation: evidence.operation,
    // An uninstrumented peer has no service of its own: on the map, the failure sits at its address.
    originNode:
      diagnosis.cause === 'uninstrumented_upstream' && evidence.peerAddress
        ? evidence.peerAddress
        : diagnosis.originService,
    cause: diagnosis.cause,
    exceptionType: evidence.exceptionType ?? evidence.errorType ?? null,
    message: evidence.exceptionMessage ?? evidence.statusMessage ?? null,
    summary: diagnosis.summary,
    version: typeof version === 'string' ? version : null,
    entryEndpoint: endpointOf(entry),
    originEndpoint: originEndpointOf(origin, byId),
    startTimeUnixNano: entry.startTimeUnixNano,
    saturated: evidence.saturation !== undefined,
  };
}
