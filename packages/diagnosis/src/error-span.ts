import type { Span } from '@faultline/model';
import { httpStatusCodeOf } from '@faultline/model';
import { hasException } from './exception-event.js';

/**
 * True when the span failed: status ERROR, an HTTP server span that answered 5xx, a client span that
 * received a 5xx, or a recorded exception. Status codes are read under the new and the old semconv key,
 * because older instrumentations do not set ERROR on a 5xx by themselves.
 */
export function isErrorSpan(span: Span): boolean {
  if (span.status.code === 'ERROR') return true;
  const status = httpStatusCodeOf(span.attributes);
  if (status !== undefined && status >= 500 && (span.kind === 'SERVER' || span.kind === 'CLIENT'))
    return true;
  return hasException(span);
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
