/*
 * Reading what the collector made of a request: the trace id from the `traceresponse` header
 * (W3C Trace Context level 2: `00-<trace id>-<span id>-<flags>`), then the trace and its diagnosis.
 */

/** A diagnosis as the query API returns it (the fields the tests look at). */
export interface DiagnosisView {
  originService: string;
  originSpanId: string;
  cause: string;
  summary: string;
  evidence: Record<string, unknown>;
}

/** A trace as the query API returns it (the fields the tests look at). */
export interface TraceView {
  traceId: string;
  spans: Array<{ spanId: string; service: string; name: string }>;
  logs: Array<{ service: string; spanId: string | null; severityNumber: number; body: unknown }>;
  diagnosis: DiagnosisView | null;
}

/** The trace id a response carries in its `traceresponse` header; throws when there is none. */
export function traceIdOf(response: Response): string {
  const header = response.headers.get('traceresponse') ?? '';
  const match = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(header);
  if (!match) throw new Error(`no traceresponse header (got "${header}")`);
  return match[1]!;
}

/** The trace as stored now, or undefined while the collector has none of its spans. */
export async function fetchTrace(uiUrl: string, traceId: string): Promise<TraceView | undefined> {
  const response = await fetch(`${uiUrl}api/traces/${traceId}`);
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) throw new Error(`GET /api/traces/${traceId} answered ${response.status}`);
  return (await response.json()) as TraceView;
}
