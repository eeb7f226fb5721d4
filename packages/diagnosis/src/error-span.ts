import type { Span, SpanKind, StatusCode } from '@faultline/model';
import { httpStatusCodeOf } from '@faultline/model';
import { hasException } from './exception-event.js';

/** The facts `isErrorSpan` judges a span by. */
export interface ErrorSpanFacts {
  statusCode: StatusCode;
  kind: SpanKind;
  /** The HTTP status code attribute (`httpStatusCodeOf`), if any. */
  httpStatusCode: number | undefined;
  /** The span recorded an exception event. */
  exception: boolean;
}

/**
 * True when the span failed: status ERROR, an HTTP server span that answered 5xx, a client span that
 * received a 5xx, or a recorded exception. Status codes are read under the new and the old semconv key,
 * because older instrumentations do not set ERROR on a 5xx by themselves.
 */
export function isErrorSpan(span: Span): boolean {
  return isErrorSpanFacts({
    statusCode: span.status.code,
    kind: span.kind,
    httpStatusCode: httpStatusCodeOf(span.attributes),
    exception: hasException(span),
  });
}

/** `isErrorSpan`'s rule on a span's facts, for a store that keeps them in columns of their own. */
export function isErrorSpanFacts(facts: ErrorSpanFacts): boolean {
  if (facts.statusCode === 'ERROR' || facts.exception) return true;
  const status = facts.httpStatusCode;
  return status !== undefined && status >= 500 && (facts.kind === 'SERVER' || facts.kind === 'CLIENT');
}

/**
 * True for a failure the caller usually handles: a client call that received a 4xx (undici marks those
 * ERROR). A 404 from a lookup is an answer, not the reason a request failed; the walk does not follow it.
 */
export function isClientError4xx(span: Span): boolean {
  if (span.kind !== 'CLIENT' || hasException(span)) return false;
  const status = httpStatusCodeOf(span.attributes);
  return status !== undefined && status >= 400 && status < 500;
}
