import type { IncomingMessage } from 'node:http';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { nowMillis } from './deferred-server-span.js';
import { warnOnce } from './faultline-log.js';
import { serverAttributes } from './server-span-attributes.js';
import type { PresetIdGenerator } from './span-ids.js';

/**
 * Paths of health and readiness probes: a load balancer or an orchestrator asks them every few
 * seconds, and their traces drowned the failures users came for (sentry-python#4712, aspire#348).
 */
export const DEFAULT_IGNORED_PATHS: readonly string[] = [
  '/health',
  '/healthz',
  '/readyz',
  '/livez',
  '/ping',
  '/metrics',
];

/**
 * Reads FAULTLINE_IGNORE_PATHS: unset, the default probes; set, exactly the paths it lists
 * (comma-separated; empty ignores none). An entry that is not a path (no leading `/`) is skipped
 * with a warning.
 */
export function ignoredPathsFromEnv(raw: string | undefined, warnings: string[]): ReadonlySet<string> {
  if (raw === undefined) return new Set(DEFAULT_IGNORED_PATHS);
  const paths = new Set<string>();
  for (const entry of raw.split(',')) {
    const path = entry.trim();
    if (path === '') continue;
    if (path.startsWith('/')) paths.add(path);
    else warnings.push(`ignoring "${path}" in FAULTLINE_IGNORE_PATHS: a path starts with /`);
  }
  return paths;
}

/** Whether a request target (`/healthz?verbose`) names an ignored path: its query string aside. */
export function isIgnoredTarget(target: string, paths: ReadonlySet<string>): boolean {
  const queryAt = target.indexOf('?');
  return paths.has(queryAt < 0 ? target : target.slice(0, queryAt));
}

/**
 * A request to an ignored path, running under an unsampled span context: nothing it does is
 * recorded (the spans of what it calls are not either), and nothing is left to drop when it
 * succeeds. If it fails, `spanOfFailedProbe` makes its server span with the ids the context handed out.
 */
export interface IgnoredRequest {
  readonly bare: Span;
  readonly parent: Context;
  readonly startTime: number;
  readonly attributes: ReturnType<typeof serverAttributes>;
  /** Errors of the request (a listener's throw, the response's `error`), recorded if its span is made. */
  readonly failures: Array<{ error: unknown; at: number }>;
}

/**
 * For a request to one of `ignored.paths`: the unsampled context it runs under, with what its span
 * needs if it fails. Undefined for any other request (one Set lookup of the path).
 */
export function ignoredRequest(
  request: IncomingMessage,
  scheme: 'http' | 'https',
  parent: Context,
  ignored: { paths: ReadonlySet<string>; ids: PresetIdGenerator } | undefined,
): IgnoredRequest | undefined {
  if (ignored === undefined || !isIgnoredTarget(request.url ?? '/', ignored.paths)) return undefined;
  const { ids } = ignored;
  const startTime = nowMillis();
  const traceId = trace.getSpanContext(parent)?.traceId ?? ids.newTraceId();
  const bare = trace.wrapSpanContext({ traceId, spanId: ids.newSpanId(), traceFlags: TraceFlags.NONE });
  const socket = request.socket;
  const attributes = serverAttributes(
    request,
    scheme,
    request.url ?? '/',
    socket?.remoteAddress,
    socket?.remotePort,
  );
  return { bare, parent, startTime, attributes, failures: [] };
}

/** The server span of an ignored request that failed: the ids its context handed out, its start time. */
export function spanOfFailedProbe(
  tracer: Tracer,
  ids: PresetIdGenerator,
  name: string,
  ignored: IgnoredRequest,
): Span {
  const bare = ignored.bare.spanContext();
  ids.preset(bare.traceId, bare.spanId);
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.SERVER, attributes: ignored.attributes, startTime: ignored.startTime },
    ignored.parent,
  );
  ids.clear();
  if (span.spanContext().spanId !== bare.spanId) {
    warnOnce('probe-span-ids', 'a failed probe request could not keep its ids; its traceresponse names none');
  }
  return span;
}
