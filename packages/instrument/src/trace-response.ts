import { ServerResponse } from 'node:http';
import type { Span, SpanContext } from '@opentelemetry/api';
import { INVALID_TRACEID, isSpanContextValid } from '@opentelemetry/api';

/** Response header of W3C Trace Context Level 2: https://www.w3.org/TR/trace-context-2/#traceresponse-header */
export const TRACE_RESPONSE_HEADER = 'traceresponse';

const PENDING_VALUE = Symbol('faultline traceresponse value');
/** Set on the response of an ignored path (ignored-paths.ts): only a 5xx makes its span, and names it. */
const ONLY_IF_5XX = Symbol('faultline traceresponse only if 5xx');
type Response = ServerResponse & { [PENDING_VALUE]?: string; [ONLY_IF_5XX]?: boolean };

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
 * For a request to an ignored path: the header names the span its context handed out (sampled, as
 * the span will be), and only on a 5xx answer, the one answer that makes that span. A successful
 * probe's answer names no trace, since none exists.
 */
export function rememberTraceResponseIf5xx(spanContext: SpanContext, response: ServerResponse): void {
  (response as Response)[PENDING_VALUE] = headerValue({ ...spanContext, traceFlags: 1 });
  (response as Response)[ONLY_IF_5XX] = true;
}

/**
 * Patches `ServerResponse#writeHead`, through which every response's head passes (explicitly, or via
 * `_implicitHeader` on the first write), to add the noted `traceresponse` header unless the app set
 * one. When the head's headers come as an object (Fastify passes all of its headers that way), the
 * header joins that object: `setHeader` would make Node take its slow path and set every one of those
 * headers again one by one. Otherwise it is set with `setHeader`, which Node merges into the head.
 * Returns an undo function.
 */
export function installTraceResponseWriter(proto: ServerResponse = ServerResponse.prototype): () => void {
  const original = proto.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  const patched = function writeHead(this: Response, statusCode: unknown, reason?: unknown, obj?: unknown) {
    const value = this[PENDING_VALUE];
    if (
      value !== undefined &&
      (this[ONLY_IF_5XX] !== true || Number(statusCode) >= 500) &&
      !this.headersSent &&
      !this.hasHeader(TRACE_RESPONSE_HEADER)
    ) {
      const headers = typeof reason === 'string' ? obj : reason;
      if (isHeaderObject(headers)) {
        if (!hasTraceResponse(headers)) headers[TRACE_RESPONSE_HEADER] = value;
      } else {
        this.setHeader(TRACE_RESPONSE_HEADER, value);
      }
    }
    // biome-ignore lint/complexity/noArguments: writeHead's arity decides how Node reads its arguments.
    return original.apply(this, arguments as unknown as unknown[]);
  };
  proto.writeHead = patched as typeof proto.writeHead;
  return () => {
    if (proto.writeHead === (patched as unknown)) proto.writeHead = original as typeof proto.writeHead;
  };
}

function isHeaderObject(headers: unknown): headers is Record<string, unknown> {
  return typeof headers === 'object' && headers !== null && !Array.isArray(headers);
}

function hasTraceResponse(headers: Record<string, unknown>): boolean {
  for (const name in headers) {
    if (name.length === TRACE_RESPONSE_HEADER.length && name.toLowerCase() === TRACE_RESPONSE_HEADER)
      return true;
  }
  return false;
}
