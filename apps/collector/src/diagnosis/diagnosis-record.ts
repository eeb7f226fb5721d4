import { createHash } from 'node:crypto';
import { type Diagnosis, failureFingerprint } from '@faultline/diagnosis';
import { HTTP_REQUEST_METHOD, HTTP_ROUTE, readString, SERVICE_VERSION, type Span } from '@faultline/model';
import type { DiagnosisRecord } from '../store/failure-store.js';

/** "GET /api/orders/:id": the entry request's method and route (or span name when no route). */
function endpointOf(span: Span): string {
  const method = readString(span.attributes, HTTP_REQUEST_METHOD);
  const route = readString(span.attributes, HTTP_ROUTE) ?? span.name;
  return method && !route.startsWith(method) ? `${method} ${route}` : route;
}

/** What the store keeps of a verdict to group failures: fingerprint, origin, version, entry endpoint. */
export function toDiagnosisRecord(diagnosis: Diagnosis, spans: readonly Span[]): DiagnosisRecord {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const entry = byId.get(diagnosis.path[0] ?? '') ?? spans[0]!;
  const origin = byId.get(diagnosis.originSpanId) ?? entry;
  const { evidence } = diagnosis;
  const version = origin.resource[SERVICE_VERSION];
  return {
    // The engine's fingerprint is readable text (service | operation | cause | …); its hash is a short,
    // URL-safe group id.
    fingerprint: createHash('sha256').update(failureFingerprint(diagnosis, spans)).digest('hex').slice(0, 16),
    originSpanId: diagnosis.originSpanId,
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
    startTimeUnixNano: entry.startTimeUnixNano,
    saturated: evidence.saturation !== undefined,
  };
}
