import { DB_SYSTEM, readString } from '@faultline/model';
import {
  CONNECT_FAILURE_CODES,
  DB_CONNECTION_CODES,
  DB_CONNECTION_SQLSTATES,
  DB_TIMEOUT_CODES,
  DB_TIMEOUT_MESSAGES,
  DOM_ABORT_CODES,
  isSqlState,
  NOT_HTTP_ANSWER_CODES,
  POOL_TIMEOUT_MESSAGES,
  STORE_UNREACHABLE_ERRORS,
  STORE_UNREACHABLE_MESSAGES,
  TIMEOUT_CODES,
  TIMEOUT_WORDS,
} from './error-codes.js';
import type { FailureSignals } from './failure-signals.js';
import { anyMessageMatches, firstCodeIn } from './failure-signals.js';
import { isDbConnectSpan, isDbSpan, isHttpClientSpan, isPoolCheckoutSpan } from './span-roles.js';
import type { TraceNode } from './trace-tree.js';
import type { Cause } from './types.js';

/** What the cause rules look at: the origin span, its failure signals, and how the walk reached it. */
export interface CauseContext {
  origin: TraceNode;
  signals: FailureSignals;
  /** True when the origin is a call its caller gave up on (no answer, no error of its own). */
  abandoned: boolean;
}

/** A cause and, in words, the rule that chose it. */
export interface CauseVerdict {
  cause: Cause;
  matchedRule: string;
}

type Rule = { cause: Cause; match: (ctx: CauseContext) => string | undefined };

/**
 * The cause rules in priority order; the first that matches wins. Pool and database timeouts come
 * before connection failures (a pool timeout is not a network fault), and connection failures before
 * database errors (ECONNREFUSED on `pg.connect` means the database is unreachable, not that it
 * rejected a query).
 */
const RULES: readonly Rule[] = [
  { cause: 'db_pool_exhausted', match: poolExhausted },
  { cause: 'db_timeout', match: dbTimeout },
  { cause: 'upstream_unreachable', match: unreachable },
  { cause: 'upstream_timeout', match: upstreamTimeout },
  { cause: 'db_error', match: dbError },
  { cause: 'uninstrumented_upstream', match: uninstrumentedUpstream },
  { cause: 'exception', match: exception },
  { cause: 'explicit_5xx', match: explicit5xx },
];

/** Names the cause of the origin span's failure from what its instrumentation recorded. */
export function classifyCause(ctx: CauseContext): CauseVerdict {
  for (const rule of RULES) {
    const matchedRule = rule.match(ctx);
    if (matchedRule) return { cause: rule.cause, matchedRule };
  }
  return { cause: 'unknown', matchedRule: 'no rule matched what the origin span recorded' };
}

function poolExhausted({ origin, signals }: CauseContext): string | undefined {
  const span = origin.span;
  if (signals.poolExhausted) return `${span.name} failed with every pooled connection in use`;
  const pool = signals.pool;
  if (
    isPoolCheckoutSpan(span) &&
    pool?.waiting !== undefined &&
    pool.total !== undefined &&
    pool.max !== undefined
  ) {
    // A checkout that waited while all `max` connections were out is exhaustion even if it did not time out.
    if (pool.waiting > 0 && pool.total >= pool.max) return `${span.name} waited with the pool at its max`;
  }
  const pattern = anyMessageMatches(signals, POOL_TIMEOUT_MESSAGES);
  if (pattern) return `${span.name} failed: ${messageMatching(signals, pattern)}`;
  return undefined;
}

function dbTimeout({ origin, signals }: CauseContext): string | undefined {
  const span = origin.span;
  const code = signals.dbErrorCode;
  if (code && DB_TIMEOUT_CODES.has(code)) return `${span.name} failed with ${code}`;
  const pattern = anyMessageMatches(signals, DB_TIMEOUT_MESSAGES);
  if (pattern) return `${span.name} failed: ${messageMatching(signals, pattern)}`;
  // A query span (not a connect) that failed with a generic timeout: the driver's own timeout.
  if (isDbSpan(span) && !isDbConnectSpan(span)) {
    const words = anyMessageMatches(signals, [TIMEOUT_WORDS]);
    if (words) return `${span.name} failed: ${messageMatching(signals, words)}`;
  }
  return undefined;
}

/**
 * "Could not connect" needs connection evidence: a code only a connection attempt produces, a non-HTTP
 * answer on the client span that received it, a database's connection refusal (SQLSTATE class 08,
 * MySQL 1040), or a database/cache client's own "unreachable" error. Any other code, however it is
 * spelled (ERR_INVALID_URL from `new URL` in a middleware), leaves the span to the later rules.
 */
function unreachable({ origin, signals }: CauseContext): string | undefined {
  const span = origin.span;
  const code = firstCodeIn(signals, CONNECT_FAILURE_CODES);
  // ECONNRESET after a response arrived is a broken body, not an unreachable peer.
  if (code && !(code === 'ECONNRESET' && signals.httpStatusCode !== undefined))
    return `${span.name} failed with ${code}`;
  const notHttp = isHttpClientSpan(span) ? firstCodeIn(signals, NOT_HTTP_ANSWER_CODES) : undefined;
  if (notHttp) return `${span.name} got an answer that was not HTTP (${notHttp})`;
  if (signals.dbErrorCode && DB_CONNECTION_SQLSTATES.has(signals.dbErrorCode))
    return `${span.name} failed with SQLSTATE ${signals.dbErrorCode}`;
  const refused = firstCodeIn(signals, DB_CONNECTION_CODES);
  if (refused) return `${span.name} failed with ${refused}: the database refused or lost the connection`;
  const clientError = firstCodeIn(signals, STORE_UNREACHABLE_ERRORS);
  if (clientError) return `${span.name} failed with ${clientError}: the server could not be reached`;
  const lost = anyMessageMatches(signals, STORE_UNREACHABLE_MESSAGES);
  if (lost) return `${span.name} failed: ${messageMatching(signals, lost)}`;
  // fetch() rejects with TypeError('fetch failed') and hides the code in `cause`, which recordException
  // does not write; without the undici client span, this message is all there is.
  const fetchFailed = anyMessageMatches(signals, [/^fetch failed$/i]);
  if (fetchFailed) return `${span.name} failed: fetch failed (the network error's code was not recorded)`;
  return undefined;
}

function upstreamTimeout({ origin, signals, abandoned }: CauseContext): string | undefined {
  const span = origin.span;
  if (abandoned) return `${span.name} got no answer before its caller gave up on it`;
  const code = firstCodeIn(signals, TIMEOUT_CODES);
  if (code) return `${span.name} failed with ${code}`;
  const type = signals.exception?.type;
  if (type && DOM_ABORT_CODES.has(type)) return `${span.name} was aborted (DOMException code ${type})`;
  if (isHttpClientSpan(span) || isDbConnectSpan(span) || signals.exception) {
    const words = anyMessageMatches(signals, [TIMEOUT_WORDS]);
    if (words) return `${span.name} failed: ${messageMatching(signals, words)}`;
  }
  return undefined;
}

function dbError({ origin, signals }: CauseContext): string | undefined {
  const span = origin.span;
  const code = signals.dbErrorCode;
  if (isDbSpan(span)) {
    const system = readString(span.attributes, DB_SYSTEM);
    return `${system} span ${span.name} failed${code ? ` with ${code}` : ''}`;
  }
  // The driver is not instrumented but the handler recorded its error, whose code is a SQLSTATE.
  if (code && isSqlState(code)) return `${span.name} recorded a database error with SQLSTATE ${code}`;
  return undefined;
}

function uninstrumentedUpstream({ origin, signals }: CauseContext): string | undefined {
  const span = origin.span;
  const status = signals.httpStatusCode;
  if (!isHttpClientSpan(span) || status === undefined || status < 500) return undefined;
  if (origin.children.length === 0) return `${span.name} received HTTP ${status} and the peer sent no spans`;
  // Spans from the peer exist but none failed: something in between (a proxy) answered the 5xx.
  return `${span.name} received HTTP ${status} while the peer's own spans did not fail`;
}

function exception({ origin, signals }: CauseContext): string | undefined {
  const recorded = signals.exception;
  if (recorded) {
    const name = recorded.name ?? recorded.type ?? 'exception';
    return `${origin.span.name} recorded ${name}${recorded.message ? `: ${recorded.message}` : ''}`;
  }
  // ERROR with a message and nothing thrown: an app marking its request failed (on a 200: see
  // isFailingRequest), or an instrumentation that keeps only the message.
  const answered = signals.httpStatusCode;
  if (
    origin.span.status.code === 'ERROR' &&
    signals.statusMessage &&
    (answered === undefined || (answered < 400 && !isHttpClientSpan(origin.span)))
  )
    return `${origin.span.name} ended in ERROR: ${signals.statusMessage}`;
  return undefined;
}

function explicit5xx({ origin, signals }: CauseContext): string | undefined {
  const status = signals.httpStatusCode;
  if (status === undefined || status < 500 || isHttpClientSpan(origin.span)) return undefined;
  return `${origin.span.name} answered HTTP ${status} with no exception and no failing dependency`;
}

function messageMatching(signals: FailureSignals, pattern: RegExp): string {
  return signals.messages.find((m) => pattern.test(m)) ?? '';
}
