import { exceptionOf } from './exception-event.js';
import type { FailureSignals } from './failure-signals.js';
import { isDbSpan } from './span-roles.js';
import type { TraceNode } from './trace-tree.js';

// A driver code as the SDK writes it into exception.type (error.code): ER_LOCK_DEADLOCK, ECONNRESET.
const DRIVER_CODE = /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/;

/**
 * The driver's error code for a database span that recorded none, read from the caller that rethrew
 * the same error. instrumentation-mysql2 and -mysql set only the status message on their query spans;
 * the handler's span (Koa, Express, our HTTP server) records the error itself, whose exception.type
 * is the driver's `code` (ER_LOCK_DEADLOCK, ER_CON_COUNT_ERROR). The messages must agree (knex puts
 * the SQL in front of the driver's message, so the caller's may end with the span's).
 */
export function withCallerDriverCode(signals: FailureSignals, origin: TraceNode): FailureSignals {
  if (signals.dbErrorCode !== undefined || !isDbSpan(origin.span)) return signals;
  const message = signals.statusMessage ?? signals.exception?.message;
  if (!message) return signals;
  for (let node = origin.parent; node; node = node.parent) {
    if (node.span.service !== origin.span.service) break;
    const recorded = exceptionOf(node.span);
    if (!recorded?.type || !recorded.message?.endsWith(message)) continue;
    if (!DRIVER_CODE.test(recorded.type)) return signals;
    const codes = new Set(signals.codes);
    codes.add(recorded.type);
    return { ...signals, codes, dbErrorCode: recorded.type };
  }
  return signals;
}
