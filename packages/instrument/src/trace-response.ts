import { ServerResponse } from 'node:http';
import type { Span, SpanContext } from '@opentelemetry/api';
import { INVALID_TRACEID, isSpanContextValid } from '@opentelemetry/api';

/** Response header of W3C Trace Context Level 2: https://www.w3.org/TR/trace-context-2/#traceresponse-header */
export const TRACE_RESPONSE_HEADER = 'traceresponse';

const PENDING_VALUE = Symbol('faultline traceresponse value');
type Response = ServerResponse & { [PENDING_VALUE]?: string };

/** The two hex digits of each trace-flags value. */
const FLAGS = Array.from({ length: 256 }, (_, flags) => flags.toString(16).padStart(2, '0'));

/** Formats `00-<trace-id>-<span-id>-<flags>` for a span context, or undefined when it is invalid. */
export function formatTraceResponse(spanContext: SpanContext): string | undefined {
  return isSpanContextValid(spanContext) ? headerValue(spanContext) : undefined;
}

function headerValue(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${FLAGS[spanContext.traceFlags & 0xff]}`;
}

/**
 * Called as a request arrives (http-server-tracing.ts, when its server span starts): notes the
 * header value for the server span on the response. It is written by the patched `writeHead`, not
 * now, because some frameworks clear every header when they render an error (Koa's `ctx.onerror`).
 */
export function rememberTraceResponse(span: Span, response: ServerResponse): void {
  const spanContext = span.spanContext();
  // A span of the SDK's has valid ids (no need to test them with formatTraceResponse's patterns);
  // only a disabled SDK hands out the all-zero context.
  if (spanContext.traceId === INVALID_TRACEID) return;
  (response as Response)[PENDING_VALUE] = headerValue(spanContext);
}

/**
 * Patches `ServerResponse#writeHead`, through which every response's head passes (explicitly, or via
 * `_implicitHeader` on the first write), to add the noted `traceresponse` header unless the app set
 * one. Node merges headers set with setHeader into those passed to writeHead. Returns an undo function.
 */
export function installTraceResponseWriter(proto: ServerResponse = ServerResponse.prototype): () => void {
  const original = proto.writeHead;
  const patched = function writeHead(this: Response, ...args: unknown[]) {
    const value = this[PENDING_VALUE];
    if (value !== undefined && !this.headersSent && !this.hasHeader(TRACE_RESPONSE_HEADER)) {
      this.setHeader(TRACE_RESPONSE_HEADER, value);
    }
    return (original as (...args: unknown[]) => ServerResponse).apply(this, args);
  };
  proto.writeHead = patched as typeof proto.writeHead;
  return () => {
    if (proto.writeHead === (patched as unknown)) proto.writeHead = original;
  };
}
