import type { Tracer } from '@opentelemetry/api';
import type { ServerSpanDeferral } from './deferred-server-span.js';
import type { OpenServerSpans } from './open-server-spans.js';
import type { ServerMetrics } from './server-metrics.js';
import type { PresetIdGenerator } from './span-ids.js';

/**
 * What the server side of HTTP tracing needs (installHttpServerTracing), in a file of its own so the
 * request's exchange (server-exchange.ts) can hold it without importing the tracing that creates it.
 */
export interface HttpServerTracingSetup {
  tracer: Tracer;
  openServerSpans: OpenServerSpans;
  traceResponseHeader: boolean;
  /** Present when successful traces are sampled: server spans of traces not kept stay bare contexts. */
  deferral?: ServerSpanDeferral;
  /** Paths whose successful requests make no span (FAULTLINE_IGNORE_PATHS; see ignored-paths.ts). */
  ignoredPaths?: { paths: ReadonlySet<string>; ids: PresetIdGenerator };
  /** Present when a MeterProvider is configured: every request's duration (server-metrics.ts). */
  serverMetrics?: ServerMetrics;
}
