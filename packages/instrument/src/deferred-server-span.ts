import type { IncomingMessage } from 'node:http';
import type { Context, Span, SpanContext } from '@opentelemetry/api';
import { isSpanContextValid, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { warnOnce } from './faultline-log.js';
import type { HttpServerTracingSetup } from './http-server-tracing.js';
import { serverAttributes } from './server-span-attributes.js';
import type { PresetIdGenerator } from './span-ids.js';

/**
 * Success sampling decides when a request's server span ends whether its trace is exported, and at the
 * current share it can tell in advance which successful traces will be. A request whose trace would
 * not be kept if it succeeds gets no SDK span at first, only a span context with fresh ids (its
 * children and callers see those); when it ends, `settleDeferredRoot` decides, and only a kept trace
 * (failing, or chosen after all) gets its SDK span, with the same ids, start time and attributes. The
 * SDK span of a request nobody will read was most of what tracing cost it (removing it cut
 * Faultline's CPU per Fastify request by 11.5%).
 */
export interface ServerSpanDeferral {
  ids: PresetIdGenerator;
  keepsAtCurrentShare(traceId: string): boolean;
  settleDeferredRoot(traceId: string, failing: boolean): boolean;
}

/** What a deferred server span needs to become a span: everything read from the request at its start. */
export interface DeferredSpan {
  parent: Context;
  startTime: number;
  request: IncomingMessage;
  scheme: 'http' | 'https';
  target: string;
  peerAddress: string | undefined;
  peerPort: number | undefined;
  /** Errors to record once it is a span (failExchange), with when they happened. */
  failures: Array<{ error: unknown; at: number }>;
}
/**
 * A bare span context for a request whose trace success sampling would not keep if it succeeds (see
 * ServerSpanDeferral), or undefined when the request gets its SDK span now: no sampling, or a caller
 * that did not sample the trace (the SDK's parent-based decision then stands).
 */
export function deferIfNotKept(
  request: IncomingMessage,
  scheme: 'http' | 'https',
  parent: Context,
  deferral: ServerSpanDeferral | undefined,
): { span: Span; record: DeferredSpan } | undefined {
  if (deferral === undefined) return undefined;
  const caller = trace.getSpanContext(parent);
  if (
    caller !== undefined &&
    (!isSpanContextValid(caller) || (caller.traceFlags & TraceFlags.SAMPLED) === 0)
  ) {
    return undefined;
  }
  const traceId = caller?.traceId ?? deferral.ids.newTraceId();
  if (deferral.keepsAtCurrentShare(traceId)) return undefined;
  const socket = request.socket;
  return {
    span: trace.wrapSpanContext({
      traceId,
      spanId: deferral.ids.newSpanId(),
      traceFlags: TraceFlags.SAMPLED,
    }),
    record: {
      parent,
      startTime: nowMillis(),
      request,
      scheme,
      target: request.url ?? '/',
      peerAddress: socket?.remoteAddress,
      peerPort: socket?.remotePort,
      failures: [],
    },
  };
}

/**
 * The SDK span of a deferred server span, started now with the ids its bare context handed out, the
 * start time and the attributes read when the request arrived.
 */
export function spanFromDeferred(
  setup: HttpServerTracingSetup,
  name: string,
  bare: SpanContext,
  deferred: DeferredSpan,
): Span {
  const { ids } = setup.deferral!;
  ids.preset(bare.traceId, bare.spanId);
  const attributes = serverAttributes(
    deferred.request,
    deferred.scheme,
    deferred.target,
    deferred.peerAddress,
    deferred.peerPort,
  );
  const span = setup.tracer.startSpan(
    name,
    { kind: SpanKind.SERVER, attributes, startTime: deferred.startTime },
    deferred.parent,
  );
  ids.clear();
  if (span.spanContext().spanId !== bare.spanId) {
    warnOnce('deferred-span-ids', 'a deferred server span could not keep its ids; its trace may be split');
  }
  return span;
}

/** Wall-clock milliseconds with sub-millisecond precision, from the monotonic clock. */
export function nowMillis(): number {
  return performance.timeOrigin + performance.now();
}
